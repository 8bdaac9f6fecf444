"""AWS stores benchmark, against moto's real server (a separate `moto_server` process) with the real boto3.

1. 5,000 secrets in Secrets Manager: time to the first page of names and to all names through our
   store, next to a bare boto3 ListSecrets loop in the same run; and the number of value reads
   (GetSecretValue / GetParameter) made while listing, counted by moto's request recorder: must be 0.
2. 20 ms added to every request (a botocore before-send hook on both clients), 500 secrets: our
   bulk_get (values read concurrently) against Dapr's pattern, a sequential boto3 loop
   (ListSecrets pages, then GetSecretValue one by one). The ratio must be at least 8, maps identical.

Run: .venv/bin/python benchmarks/bench_aws.py   (prints markdown, writes benchmarks/results/aws.md)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402

from dapr_secrets.backends.aws.secretsmanager import SecretsManagerStore  # noqa: E402
from dapr_secrets.backends.base import StoreContext  # noqa: E402

LISTING_SECRETS = 5_000
BULK_SECRETS = 500
DELAY = 0.020
REQUIRED_RATIO = 8.0
REPEATS = 3
LISTING_REPEATS = 7  # first-page times are a few ms: more rounds, alternating who goes first
NOTE = (
    "moto answers on the same cores as the client, so when other processes load the machine the bulk "
    "ratio is bounded by the emulator's CPU time per request rather than by our concurrency."
)
KEYS = {"accessKey": "AKIABENCHBENCHBENCH1", "secretKey": "bench"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=30).close()


def recorded_operations(url: str) -> list[str]:
    with urllib.request.urlopen(f"{url}/moto-api/recorder/download-recording", timeout=30) as response:
        lines = response.read().decode().splitlines()
    return [json.loads(line)["headers"].get("X-Amz-Target", "").split(".")[-1] for line in lines if line.strip()]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def client(url: str) -> Any:
    return boto3.client("secretsmanager", region_name="us-east-1", endpoint_url=url,
                        aws_access_key_id=KEYS["accessKey"], aws_secret_access_key=KEYS["secretKey"])


def store(url: str) -> SecretsManagerStore:
    return SecretsManagerStore("bench", {"region": "us-east-1", "endpoint": url, **KEYS}, StoreContext(env={}, cwd=str(ROOT)))


def seed(url: str, count: int) -> None:
    post(f"{url}/moto-api/reset")
    sm = client(url)
    for n in range(count):  # one at a time: moto's server is not safe for concurrent creates
        sm.create_secret(Name=f"app/secret-{n:05}", SecretString=f"value-{n}")


def bare_pages(sm: Any) -> Any:
    token = None
    while True:
        page = sm.list_secrets(MaxResults=100, **({"NextToken": token} if token else {}))
        yield [entry["Name"] for entry in page["SecretList"]]
        token = page.get("NextToken")
        if not token:
            return


def bench_listing(url: str) -> list[str]:
    seed(url, LISTING_SECRETS)
    ours_first, ours_all, bare_first, bare_all = [], [], [], []
    def ours_round(ours: SecretsManagerStore) -> None:
        started = time.perf_counter()
        pages = ours.list_names()
        next(pages)
        ours_first.append(time.perf_counter() - started)
        count = 1 + sum(1 for _ in pages)
        ours_all.append(time.perf_counter() - started)
        assert count == LISTING_SECRETS // 100

    def bare_round(sm: Any) -> None:
        started = time.perf_counter()
        bare = bare_pages(sm)
        next(bare)
        bare_first.append(time.perf_counter() - started)
        sum(1 for _ in bare)
        bare_all.append(time.perf_counter() - started)

    for round_number in range(LISTING_REPEATS):
        sm, ours = client(url), store(url)
        sm.list_secrets(MaxResults=1)  # both clients warm (endpoint resolution, models)
        ours.connection.client().list_secrets(MaxResults=1)
        if round_number % 2:
            bare_round(sm)
            ours_round(ours)
        else:
            ours_round(ours)
            bare_round(sm)
    # One more listing, untimed, with moto's recorder on: which operations did listing send?
    post(f"{url}/moto-api/recorder/reset-recording")
    post(f"{url}/moto-api/recorder/start-recording")
    sum(1 for _ in store(url).list_names())
    post(f"{url}/moto-api/recorder/stop-recording")
    operations = recorded_operations(url)
    values = sum(1 for op in operations if op in ("GetSecretValue", "GetParameter", "BatchGetSecretValue"))
    of, oa, bf, ba = min(ours_first), min(ours_all), min(bare_first), min(bare_all)
    return [
        f"### Listing {LISTING_SECRETS:,} secrets (ListSecrets pages of 100, no added delay, best of {LISTING_REPEATS})",
        "",
        "| measure | ours | bare boto3, same run | ratio |",
        "|---|---|---|---|",
        f"| first page of names | {of * 1000:.1f} ms | {bf * 1000:.1f} ms | {of / bf:.2f} (target <= 1.2) |",
        f"| all names | {oa:.2f} s | {ba:.2f} s | {oa / ba:.2f} |",
        f"| value reads while listing (moto's recorder) | {values} | | |",
        "",
    ]


def bench_bulk(url: str) -> list[str]:
    seed(url, BULK_SECRETS)

    def delay(**_: Any) -> None:
        time.sleep(DELAY)

    sm = client(url)
    sm.meta.events.register("before-send", delay)
    ours = store(url)
    ours.connection.client().meta.events.register("before-send", delay)

    def daprs_way() -> dict[str, dict[str, str]]:
        result = {}
        for names in bare_pages(sm):
            for name in names:
                response = sm.get_secret_value(SecretId=name)
                result[response["Name"]] = {response["Name"]: response["SecretString"]}
        return result

    sequential, expected = min((timed(daprs_way) for _ in range(REPEATS)), key=lambda pair: pair[0])
    concurrent, got = min((timed(lambda: ours.bulk_get({})) for _ in range(REPEATS)), key=lambda pair: pair[0])
    ratio = sequential / concurrent
    return [
        f"### Bulk over {BULK_SECRETS} secrets, {DELAY * 1000:.0f} ms added per request (best of {REPEATS})",
        "",
        "| run | time | secrets returned |",
        "|---|---|---|",
        f"| sequential boto3 loop (Dapr's way) | {sequential:.2f} s | {len(expected)} |",
        f"| our bulk_get (32 concurrent reads, next page listed meanwhile) | {concurrent:.2f} s | {len(got)} |",
        f"| **ratio** | **{ratio:.1f}x** (required: >= {REQUIRED_RATIO:g}) | identical maps: {'yes' if got == expected else 'NO'} |",
        "",
    ], ratio >= REQUIRED_RATIO and got == expected


def main() -> int:
    port = free_port()
    recording = tempfile.NamedTemporaryFile(prefix="moto-recording-", delete=False)  # not in the work tree
    recording.close()
    moto = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "MOTO_RECORDER_FILEPATH": recording.name})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        lines = ["# AWS stores (Secrets Manager)", "", "moto 5 `moto_server` in its own process, real boto3. " + NOTE, ""]
        lines += bench_listing(url)
        bulk_lines, ok = bench_bulk(url)
        lines += bulk_lines
    finally:
        moto.terminate()
        moto.wait(timeout=10)
        os.unlink(recording.name)
    text = "\n".join(lines)
    print(text)
    (ROOT / "benchmarks" / "results" / "aws.md").write_text(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
