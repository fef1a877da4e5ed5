"""Apache Kafka 4.x, single node in KRaft mode (broker and controller in one JVM), as a supervised child.

The jars come from Maven Central through `tools/kafka/pom.xml` into a cache directory that survives a
wipe of the runtime data. Kafka's own `bin/` scripts only wrap two main classes on a `libs/*`
classpath, so we call those directly: `StorageTool format` (once per Kafka version; new data
directories get a copy of that formatted storage), then `kafka.Kafka`.

Start-up, measured on the 2-core machine with other work running: 2.0-2.2 s to the first answered
metadata request with the cached class archive, on a new or a reused data directory.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from mesh.paths import PROJECT_ROOT, default_cache_dir
from mesh.process import HealthCheck, ManagedProcess, Supervisor, free_ports, port_is_open

log = logging.getLogger(__name__)

KAFKA_VERSION = "4.1.1"
KAFKA_POM = PROJECT_ROOT / "tools" / "kafka" / "pom.xml"

# Measured on the 2-core machine (warm data dir, median of 3): Kafka's own flags (G1, C2) answer after
# 5.2 s; C1 only with the serial collector after 3.2 s; plus a class-data-sharing archive after 2.0 s.
# A local exchange's traffic never needs C2's peak throughput. Override with `jvm_options`.
DEFAULT_JVM_OPTIONS: Sequence[str] = (
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
)

LOG4J2_PROPERTIES = """\
# Warnings only, plus the one line that says the broker is up.
status = warn
shutdownHook = disable
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
"""


@dataclass(frozen=True)
class RunningKafka:
    host: str
    port: int
    controller_port: int
    process: ManagedProcess

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def health_check(self) -> HealthCheck:
        admin: list[AdminClient] = []  # made once the port is open, then reused

        def answers() -> bool:
            # Connect first: librdkafka would otherwise log every refused connection while the JVM boots.
            if not admin:
                if not port_is_open(self.host, self.port):
                    return False
                admin.append(_quiet_admin(self.bootstrap))
            return bool(admin[0].list_topics(timeout=2).brokers)

        return answers

    def wait_ready(self, supervisor: Supervisor, timeout: float = 60.0) -> None:
        supervisor.wait_healthy(self.process, self.health_check(), timeout)


def ensure_kafka_libs(cache_dir: Path | str | None = None, version: str = KAFKA_VERSION) -> Path:
    """The `libs` directory of Kafka `version`, fetched with Maven into the cache only when missing."""
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    libs = cache_dir / f"kafka-{version}" / "libs"
    marker = libs / f"kafka_2.13-{version}.jar"
    if marker.exists():
        return libs
    with _exclusive(cache_dir / f"kafka-{version}.lock"):
        if marker.exists():
            return libs
        mvn = shutil.which("mvn")
        if mvn is None:
            raise RuntimeError("Maven (`mvn`) is needed once to fetch the Kafka jars: apt-get install maven")
        scratch = libs.with_name("libs.fetching")
        shutil.rmtree(scratch, ignore_errors=True)
        started = time.monotonic()
        result = subprocess.run(
            [mvn, "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies",
             f"-DoutputDirectory={scratch}", "-DincludeScope=runtime", f"-Dkafka.version={version}"],
            capture_output=True, text=True,
        )
        if result.returncode != 0 or not (scratch / marker.name).exists():
            raise RuntimeError(f"fetching Kafka {version} jars failed ({result.returncode}):\n"
                               f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
        shutil.rmtree(libs, ignore_errors=True)
        scratch.rename(libs)
        log.info("fetched Kafka %s jars into %s (%.1f s)", version, libs, time.monotonic() - started)
    return libs


def launch_kafka(
    supervisor: Supervisor,
    data_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    version: str = KAFKA_VERSION,
    port: int | None = None,
    controller_port: int | None = None,
    jvm_options: Sequence[str] = DEFAULT_JVM_OPTIONS,
    extra_properties: Mapping[str, str] | None = None,
    name: str = "kafka",
) -> RunningKafka:
    """Start the broker on `data_dir` (formatted storage is copied in when new); call `wait_ready` before use."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    libs = ensure_kafka_libs(cache_dir, version)
    spare = [p for p in free_ports(3) if p not in (port, controller_port)]
    port = port or spare.pop()
    controller_port = controller_port or spare.pop()
    log_dir = data_dir / "data"
    properties = data_dir / "server.properties"
    properties.write_text(_server_properties(log_dir, port, controller_port, extra_properties or {}))
    log4j = data_dir / "log4j2.properties"
    log4j.write_text(LOG4J2_PROPERTIES)
    java = _java()
    class_archive = _ClassArchive.for_run(libs, java, jvm_options)
    run_java = [*jvm_options, f"-Dlog4j2.configurationFile={log4j}", "-cp", f"{libs}/*"]
    if not (log_dir / "meta.properties").exists():
        _copy_formatted_storage(_formatted_template(libs, [java, *class_archive.use_options(), *run_java]), log_dir)
    process = supervisor.start(
        name,
        [java, *class_archive.use_or_record_options(), *run_java, "kafka.Kafka", str(properties)],
        cwd=data_dir,
        stop_signal=signal.SIGTERM,
        stop_timeout=20.0,  # the first run writes the class archive on exit (about 3 s)
        on_stopped=class_archive.keep_if_complete,
    )
    return RunningKafka("127.0.0.1", port, controller_port, process)


def start_kafka(
    supervisor: Supervisor,
    data_dir: Path | str,
    *,
    cache_dir: Path | str | None = None,
    port: int | None = None,
    timeout: float = 60.0,
) -> RunningKafka:
    server = launch_kafka(supervisor, data_dir, cache_dir=cache_dir, port=port)
    try:
        server.wait_ready(supervisor, timeout)
    except BaseException:
        supervisor.stop(server.process)
        raise
    return server


def create_topics(
    bootstrap: str,
    names: Iterable[str],
    partitions: int = 1,
    *,
    replication_factor: int = 1,
    config: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> list[str]:
    """Create the topics that do not exist yet; returns the names it created.

    Returns only once every topic is visible in the broker's metadata with a leader for each partition,
    so a producer started right after does not race topic propagation.
    """
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    admin = _quiet_admin(bootstrap)  # must stay referenced until its futures resolve
    new_topics = [
        NewTopic(name, num_partitions=partitions, replication_factor=replication_factor, config=dict(config or {}))
        for name in wanted
    ]
    created = []
    for name, future in admin.create_topics(new_topics, request_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
            created.append(name)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
    _wait_for_leaders(admin, wanted, timeout)
    if created:
        log.info("created Kafka topics %s", ", ".join(created))
    return created


def _wait_for_leaders(admin: AdminClient, names: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        topics = admin.list_topics(timeout=timeout).topics
        missing = [
            name for name in names
            if name not in topics or topics[name].error is not None
            or any(p.leader < 0 for p in topics[name].partitions.values())
        ]
        if not missing:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Kafka topics without a leader after {timeout:.0f} s: {', '.join(missing)}")
        time.sleep(0.05)


def _quiet_admin(bootstrap: str) -> AdminClient:
    # librdkafka writes its logs to stderr unless given a logger; route them through `logging`.
    return AdminClient({"bootstrap.servers": bootstrap, "logger": logging.getLogger("mesh.kafka.client")})


def _server_properties(log_dir: Path, port: int, controller_port: int, extra: Mapping[str, str]) -> str:
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.quorum.bootstrap.servers": f"127.0.0.1:{controller_port}",
        "log.dirs": str(log_dir),
        "num.partitions": "1",
        "auto.create.topics.enable": "false",
        # One broker: every internal topic has one replica, or its creation waits forever.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # Fewer internal partitions: each costs files and start-up work, and one broker gains nothing from 50.
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.num.partitions": "4",
        # A consumer group's first join would otherwise wait 3 s for more members.
        "group.initial.rebalance.delay.ms": "0",
        # Idle cost: the controller appends a no-op record every 500 ms by default (liveness of
        # the metadata log, which one node does not need that often) and the broker heartbeats
        # its controller every 2 s; both only matter to multi-node failover.
        "metadata.max.idle.interval.ms": "5000",
        "broker.heartbeat.interval.ms": "5000",
        "broker.session.timeout.ms": "30000",
        # Idle cost again: every request-handler, network and coordinator thread wakes on its own
        # poll timeout (~300 ms) whether or not a request came; the defaults (8 handlers, 3 network
        # threads, 4 group-coordinator threads, 10 background threads) are sized for a many-core
        # broker with many clients. The mesh's machine has two cores; these carry its peak load.
        "num.network.threads": "1",
        "num.io.threads": "2",
        "background.threads": "2",
        "group.coordinator.threads": "1",
        **extra,
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


@dataclass(frozen=True)
class _ClassArchive:
    """A JVM class-data-sharing archive of the broker's classes, kept in the jar cache.

    The first run records it on exit (-XX:ArchiveClassesAtExit); later runs map it and skip loading and
    verifying some 5,000 classes. It is named after everything it depends on (java binary, flags, jars).
    Each recording run writes its own `.partial-*` file (brokers may run side by side), renamed into
    place only after a clean exit, so a half-written archive is never used.
    """

    path: Path
    partial: Path

    @classmethod
    def for_run(cls, libs: Path, java: str, jvm_options: Sequence[str]) -> _ClassArchive:
        java_binary = Path(java).resolve()
        jars = sorted((jar.name, jar.stat().st_size) for jar in libs.glob("*.jar"))
        key = repr((str(java_binary), java_binary.stat().st_mtime_ns, list(jvm_options), jars))
        path = libs.parent / f"classes-{hashlib.sha256(key.encode()).hexdigest()[:16]}.jsa"
        return cls(path, path.with_name(f"{path.name}.partial-{uuid.uuid4().hex[:8]}"))

    def use_options(self) -> list[str]:
        return [f"-XX:SharedArchiveFile={self.path}"] if self.path.exists() else []

    def use_or_record_options(self) -> list[str]:
        if self.path.exists():
            return self.use_options()
        self._remove_abandoned_partials()
        return [f"-XX:ArchiveClassesAtExit={self.partial}"]

    def keep_if_complete(self, process: ManagedProcess) -> None:
        # 143 is the JVM's exit after SIGTERM once its shutdown (and the archive dump) has finished.
        complete = process.popen.returncode in (0, 143) and self.partial.exists()
        if complete and self.partial.stat().st_size > 1 << 20:
            self.partial.replace(self.path)
            for outdated in self.path.parent.glob("classes-*.jsa"):
                if outdated != self.path:  # made for another JVM or other flags; a running JVM keeps its mapping
                    outdated.unlink(missing_ok=True)
            log.info("saved the Kafka class archive %s for faster starts", self.path)
        else:
            self.partial.unlink(missing_ok=True)

    def _remove_abandoned_partials(self, older_than_s: float = 3600.0) -> None:
        # Left by a broker that was killed; a young one may belong to a broker running right now.
        for partial in self.path.parent.glob("classes-*.jsa.partial-*"):
            with contextlib.suppress(OSError):
                if time.time() - partial.stat().st_mtime > older_than_s:
                    partial.unlink()


def _formatted_template(libs: Path, java: list[str]) -> Path:
    """A freshly formatted storage directory, made once per Kafka version and copied for each new broker.

    Formatting costs a JVM start (~1 s) on the critical path of every fresh data directory (every test
    session). The copies share a cluster id, which no single-node cluster can notice, and the controller
    port recorded in the copy's voter set is stale, exactly as after any restart on new ports: Kafka
    takes the endpoints from its configuration.
    """
    template = libs.parent / "formatted-storage"
    if (template / "meta.properties").exists():
        return template
    with _exclusive(libs.parent / "formatted-storage.lock"):
        if (template / "meta.properties").exists():
            return template
        scratch = template.with_name("formatted-storage.tmp")
        shutil.rmtree(scratch, ignore_errors=True)
        properties = libs.parent / "format.properties"
        properties.write_text(_server_properties(scratch, *free_ports(2), {}))
        _format_storage(java, properties, scratch)
        properties.unlink()
        scratch.rename(template)
    return template


def _copy_formatted_storage(template: Path, log_dir: Path) -> None:
    if log_dir.exists() and any(log_dir.iterdir()):
        raise RuntimeError(f"{log_dir} holds files but no meta.properties: not a Kafka log directory; remove it")
    scratch = log_dir.with_name(log_dir.name + ".copying")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(template, scratch)
    if log_dir.exists():
        log_dir.rmdir()
    scratch.rename(log_dir)


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Serializes work on the shared cache between processes (two test sessions may start at once)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _format_storage(java: list[str], properties: Path, log_dir: Path) -> None:
    cluster_id = _new_cluster_id()
    started = time.monotonic()
    result = subprocess.run(
        [*java, "kafka.tools.StorageTool", "format", "--standalone", "--cluster-id", cluster_id,
         "--config", str(properties)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"formatting Kafka storage in {log_dir} failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")
    log.info("formatted Kafka storage %s, cluster id %s (%.2f s)", log_dir, cluster_id, time.monotonic() - started)


def _new_cluster_id() -> str:
    # Like Kafka's Uuid.randomUuid(): an id starting with "-" would be read as an option by StorageTool.
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("Java 17+ (`java`) is needed to run Kafka: apt-get install openjdk-17-jre-headless")
    return java
