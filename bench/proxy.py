"""`python -m bench.proxy PORT BACKEND_PORT...`: one address in front of several Streamlit processes.

A Streamlit session lives in the process its websocket reached, so balancing per TCP connection is enough for
the load benchmark's clients, which open one websocket each and send nothing else. Connections go to the
backends in turn. A browser also fetches media files over HTTP from the process that made them: a deployment
behind a real proxy (nginx, a cloud balancer) must keep each browser on one process (a cookie or ip_hash).
"""

from __future__ import annotations

import asyncio
import itertools
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(port: int, backends: list[int]) -> None:
    turn = itertools.cycle(backends)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", next(turn))
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    print(f"proxy on {port} -> {backends}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), [int(p) for p in sys.argv[2:]]))
