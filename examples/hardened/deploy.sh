#!/bin/sh
# Starts the stack on a single host.
set -eu

docker network create backend || true

# The API server.
docker run -d --name api \
  --network backend \
  --cap-drop ALL \
  --read-only --tmpfs /tmp \
  --security-opt no-new-privileges \
  --memory 512m --cpus 1 --pids-limit 200 \
  --restart on-failure:5 \
  -u 10001:10001 \
  -p 127.0.0.1:8080:8080 \
  acme/api:1.4.2
