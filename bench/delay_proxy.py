"""A TCP proxy on loopback that holds every chunk a fixed delay each way, in order: the
distance between Hong Kong and Bangkok, for bench figure 8. Run as
`python -m bench.delay_proxy TARGET_PORT DELAY_SECONDS`; it prints the port it listens on."""
from __future__ import annotations

import asyncio
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    pending: asyncio.Queue = asyncio.Queue()

    async def later() -> None:
        while True:
            due, data = await pending.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    out = asyncio.ensure_future(later())
    try:
        while True:
            data = await reader.read(65536)
            pending.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
        await out
    except (ConnectionError, asyncio.CancelledError):
        out.cancel()


async def main(target_port: int, delay: float) -> None:
    async def accept(reader, writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(_pipe(reader, up_writer, delay), _pipe(up_reader, writer, delay), return_exceptions=True)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
