# A multi-stage build whose final stage forgets USER and tracks `latest`.
ARG GO_IMAGE=golang
FROM ${GO_IMAGE} AS build
USER builder
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM debian:latest
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
