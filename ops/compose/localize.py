#!/usr/bin/env python3
"""Turns docker-compose.yml into the stack check.sh starts where no image registry is reachable.

The same services, commands and mounts, but: images built here from Debian packages
(tokenledger-local/jre for the JVM services, tokenledger-local/prometheus), Kafka as
tokenledger's own KRaft dev broker on that JRE instead of apache/kafka, every container on the
host network (service names resolve to 127.0.0.1 through extra_hosts, so the addresses in the
compose file and in ops/prometheus/prometheus.yml work unchanged), listening on loopback only,
and no Grafana (not packaged by Debian; its provisioning is checked by PrometheusScrapeIT).

usage: localize.py REPO_ROOT OUT_FILE
"""
import sys
import yaml

root, out = sys.argv[1], sys.argv[2]
with open(f"{root}/docker-compose.yml") as f:
    compose = yaml.safe_load(f)

services = compose["services"]
services.pop("grafana", None)
names = sorted(services)
# The dev broker is a developer's tool: devtools' command has it.
devtools_cp = "/app/devtools/target/tokenledger-devtools-0.1.0-SNAPSHOT.jar:/app/devtools/target/lib/*"

for name, service in services.items():
    image = service.get("image")
    if name == "kafka":
        service.clear()
        service.update({
            "image": "tokenledger-local/jre:17",
            "working_dir": "/data",
            "volumes": [f"{root}:/app:ro"],
            "command": ["java", "-cp", devtools_cp, "io.tokenledger.devtools.DevMain", "broker", "--port", "9092",
                        "--controller-port", "9093", "--data-dir", "/data/broker"],
            "healthcheck": {"test": ["CMD-SHELL", "bash -c '</dev/tcp/127.0.0.1/9092'"], "interval": "2s",
                            "retries": 60},
        })
    elif name == "prometheus":
        service["image"] = "tokenledger-local/prometheus"
        service["command"] = ["prometheus", "--config.file=/etc/prometheus/prometheus.yml",
                              "--storage.tsdb.path=/tmp/prometheus", "--web.listen-address=127.0.0.1:9090"]
    elif image == "eclipse-temurin:17-jre":
        service["image"] = "tokenledger-local/jre:17"
    service.pop("ports", None)
    service["network_mode"] = "host"
    service["extra_hosts"] = [f"{other}:127.0.0.1" for other in names]
    service["volumes"] = [v.replace("./", f"{root}/", 1) if v.startswith("./") else v
                          for v in service.get("volumes", [])]
    if "command" in service:
        service["command"] = ["127.0.0.1" if arg == "0.0.0.0" else arg for arg in service["command"]]
    depends = service.get("depends_on")
    if isinstance(depends, list):
        service["depends_on"] = {d: {"condition": "service_started"} for d in depends if d in services}
    elif isinstance(depends, dict):
        service["depends_on"] = {d: c for d, c in depends.items() if d in services}

compose.pop("x-tokenledger", None)
with open(out, "w") as f:
    yaml.safe_dump(compose, f, sort_keys=False)
