"""Builds the base image dockhand/busybox:latest FROM scratch with Debian's static busybox (idempotent).

No image registry is reachable here, so every test and demo image starts from this one.
"""

import io
import sys
import tarfile

import docker

TAG = "dockhand/busybox:latest"
DOCKERFILE = b"""FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["sh"]
"""


def main():
    client = docker.from_env()
    try:
        client.images.get(TAG)
        print(f"base image {TAG}: present", file=sys.stderr)
        return
    except docker.errors.ImageNotFound:
        pass
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(DOCKERFILE)
        tar.addfile(info, io.BytesIO(DOCKERFILE))
        tar.add("/bin/busybox", arcname="busybox")
    context.seek(0)
    client.images.build(fileobj=context, custom_context=True, tag=TAG, rm=True)
    print(f"base image {TAG}: built", file=sys.stderr)


if __name__ == "__main__":
    main()
