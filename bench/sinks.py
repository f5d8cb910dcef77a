"""Receivers for the fan-out benchmark, each in a process of its own so that they do not share a
core's worth of GIL with the workers they measure. They count what they receive and print the
count when stopped (SIGTERM).

    python -m bench.sinks smtp PORT      an aiosmtpd server that keeps nothing
    python -m bench.sinks http PORT      an HTTP/1.1 keep-alive server answering 204 to any POST
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading


def smtp(port: int) -> None:
    from warroom.testing.fakes.smtp import SMTPSink

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    sink = SMTPSink(keep=False, port=port)
    with sink:
        print("ready", flush=True)
        stopped.wait()
    print(sink.received, flush=True)


def http(port: int) -> None:
    received = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                received += 1
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.CancelledError, ConnectionError):
            pass  # the client hung up, or the sink is stopping
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        async with server:
            await stop.wait()

    asyncio.run(main())
    print(received, flush=True)


if __name__ == "__main__":
    {"smtp": smtp, "http": http}[sys.argv[1]](int(sys.argv[2]))
