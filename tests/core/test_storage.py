"""Uploaded files where every server finds them: a folder (``LUOSHI_FILES_DIR``, a shared
mount when there are several machines) or an S3-compatible bucket (``LUOSHI_S3_BUCKET``,
through django-storages), here moto's S3 server on 127.0.0.1 (a real HTTP server, not a
mock of boto). One ``luoshi`` process writes a file, another with a data directory of its
own reads it; an evidence file goes in and out of a bucket through the service and page."""

import json

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from luoshi.accounts.permissions import actor_for
from luoshi.reporting.services import add_evidence
from tests.reporting.helpers import report
from tests.reporting.test_reminders_servers import free_port

KEY, SECRET = "luoshi-test", "luoshi-test-secret"
ONE = "附件1/一/(一)"  # 县工信局 leads

SAVE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
print(default_storage.save("evidence/2025/05/现场照片.jpg", ContentFile("现场照片".encode() * 100)))
"""

READ = """
import json, sys
from django.conf import settings
from django.core.files.storage import default_storage
with default_storage.open({name!r}, "rb") as handle:
    data = handle.read()
print(json.dumps({{"backend": settings.STORAGES["default"]["BACKEND"], "ok": data == "现场照片".encode() * 100}}))
"""


@pytest.fixture(scope="module")
def s3():
    """An S3-compatible server on 127.0.0.1 and a client for it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    yield endpoint, client
    server.stop()


def s3_env(endpoint: str, bucket: str) -> dict:
    return {
        "LUOSHI_S3_BUCKET": bucket,
        "LUOSHI_S3_ENDPOINT": endpoint,
        "LUOSHI_S3_ACCESS_KEY": KEY,
        "LUOSHI_S3_SECRET_KEY": SECRET,
        "LUOSHI_S3_REGION": "us-east-1",
    }


def last_line(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_files_go_to_the_data_folder_by_default(run_luoshi, tmp_path):
    name = last_line(run_luoshi("shell", "-c", SAVE))
    assert (tmp_path / "data" / "files" / name).read_bytes() == "现场照片".encode() * 100


def test_two_servers_share_a_files_folder(run_luoshi, tmp_path):
    shared = tmp_path / "nfs" / "luoshi-files"
    first = {"LUOSHI_DATA_DIR": str(tmp_path / "a"), "LUOSHI_FILES_DIR": str(shared)}
    second = {"LUOSHI_DATA_DIR": str(tmp_path / "b"), "LUOSHI_FILES_DIR": str(shared)}
    name = last_line(run_luoshi("shell", "-c", SAVE, env=first))
    assert (shared / name).is_file() and not (tmp_path / "a" / "files").exists()
    read = json.loads(last_line(run_luoshi("shell", "-c", READ.format(name=name), env=second)))
    assert read == {"backend": "django.core.files.storage.FileSystemStorage", "ok": True}


def test_two_servers_share_an_s3_bucket(run_luoshi, tmp_path, s3):
    endpoint, client = s3
    client.create_bucket(Bucket="luoshi-shared")
    env = s3_env(endpoint, "luoshi-shared")
    name = last_line(run_luoshi("shell", "-c", SAVE, env={**env, "LUOSHI_DATA_DIR": str(tmp_path / "a")}))
    stored = client.get_object(Bucket="luoshi-shared", Key=name)["Body"].read()
    assert stored == "现场照片".encode() * 100
    assert not (tmp_path / "a" / "files").exists()
    read = json.loads(
        last_line(
            run_luoshi(
                "shell", "-c", READ.format(name=name), env={**env, "LUOSHI_DATA_DIR": str(tmp_path / "b")}
            )
        )
    )
    assert read == {"backend": "storages.backends.s3.S3Storage", "ok": True}


def test_a_bucket_that_does_not_exist_is_named_in_the_error(run_luoshi, s3):
    endpoint, _client = s3
    result = run_luoshi("shell", "-c", SAVE, env=s3_env(endpoint, "no-such-bucket"))
    assert result.returncode != 0 and "NoSuchBucket" in result.stderr


@pytest.mark.django_db
def test_evidence_goes_into_the_bucket_and_comes_back_through_the_page(settings, s3, personas, client):
    endpoint, client_s3 = s3
    client_s3.create_bucket(Bucket="luoshi-evidence")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "luoshi-evidence",
                "endpoint_url": endpoint,
                "access_key": KEY,
                "secret_key": SECRET,
                "region_name": "us-east-1",
                "file_overwrite": False,
            },
        },
    }
    r = report(ONE, "县工信局", user=personas["reporter_a"])
    photo = b"\xff\xd8" + "现场照片".encode() * 50
    evidence = add_evidence(actor_for(personas["reporter_a"]), r, "现场照片.jpg", photo)
    keys = [o["Key"] for o in client_s3.list_objects_v2(Bucket="luoshi-evidence")["Contents"]]
    assert keys == [evidence.file.name] and evidence.file.name.startswith("evidence/")
    assert client_s3.get_object(Bucket="luoshi-evidence", Key=evidence.file.name)["Body"].read() == photo

    client.force_login(personas["reporter_a"])
    response = client.get(reverse("web:evidence_file", args=[r.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo
    assert "attachment" in response["Content-Disposition"]
