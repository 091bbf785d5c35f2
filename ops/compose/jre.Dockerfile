# The JVM services' image, from Debian's packages only (no registry needed): see check.sh.
FROM tokenledger-local/debian:bookworm
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless ca-certificates \
    && rm -rf /var/lib/apt/lists/*
