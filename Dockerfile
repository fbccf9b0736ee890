# dockward's own image: the static binary `cargo xtask dist` writes, alone in an empty
# image (no shell, no C library, no package manager: nothing to pull and nothing to
# patch). Build it with:
#
#   cargo xtask dist && docker build -t dockward .
#
# and run it as docs/install.md says (read-only, no capabilities, no new privileges,
# limits, the Docker socket read-only, no network).
FROM scratch
LABEL org.opencontainers.image.title="dockward" \
      org.opencontainers.image.description="Audits and hardens Docker deployments: Dockerfiles, Compose files, run lines, daemons, images" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.source="https://example.invalid/dockward" \
      org.opencontainers.image.documentation="https://example.invalid/dockward/blob/main/docs/install.md" \
      org.opencontainers.image.authors="dockward contributors"
# Owned by root and not writable by the user it runs as.
COPY target/dist/dockward /usr/local/bin/dockward
# Files to check are mounted here: `docker run -v "$PWD:/src:ro" dockward`.
WORKDIR /src
# A numeric user: there is no /etc/passwd to resolve a name in.
USER 65532:65532
# The binary answers: enough for a long-running `audit` loop, costless for one-shot checks.
HEALTHCHECK --interval=5m --timeout=10s CMD ["/usr/local/bin/dockward", "--version"]
ENTRYPOINT ["/usr/local/bin/dockward"]
CMD ["check", "."]
