#!/bin/sh
# Starts the stack on a single host: every line here is a finding.
set -eu

# A monitoring agent with the keys to the host.
docker run -d --name agent --privileged --pid=host --network host \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v /:/host:ro \
  agent

# The database, open to the world, with its password in the script.
docker run -d --name db -p 5432:5432 -e POSTGRES_PASSWORD=changeme-in-prod postgres:latest

# A worker that restarts forever.
docker run -d --restart on-failure --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
  worker:2 sh -c './work.sh'
