"""A TLS echo server for many connections at once (asyncio + Python's ssl), for measuring what an
idle client connection costs. Usage: tls_many.py PORT CERT KEY. Prints READY once listening."""
import asyncio
import ssl
import sys

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.num_tickets = 0


async def echo(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()
    except (ConnectionError, ssl.SSLError):
        pass


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", port, ssl=ctx, backlog=4096)
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
