#!/usr/bin/env python3
"""A minimal POP3 server (RFC 1939) over a directory of .eml files, for Rundbrief's tests.

    pop3_server.py --port 0 --maildrop DIR --auth user:pass

Prints `PORT <n>` once it listens. The maildrop is the directory's *.eml files in name order;
DELE marks a message and QUIT removes its file, as a real server commits deletions only on QUIT.
Appends every command verb it received (never arguments) to DIR/commands.log. Stops on SIGTERM.
"""

import argparse
import asyncio
import os
import signal


class Session:
    def __init__(self, options, reader, writer):
        self.options = options
        self.reader = reader
        self.writer = writer
        self.user = None
        self.authenticated = False
        self.files = []
        self.deleted = set()

    def reply(self, line):
        self.writer.write(line.encode() + b"\r\n")

    def log(self, verb):
        with open(os.path.join(self.options.maildrop, "commands.log"), "a") as handle:
            handle.write(verb + "\n")

    def load(self):
        names = sorted(n for n in os.listdir(self.options.maildrop) if n.endswith(".eml"))
        self.files = [os.path.join(self.options.maildrop, n) for n in names]

    def message(self, argument):
        try:
            number = int(argument)
        except ValueError:
            return None
        if 1 <= number <= len(self.files) and number not in self.deleted:
            return number
        return None

    async def run(self):
        self.reply("+OK rundbrief test POP3 ready")
        while True:
            raw = await self.reader.readline()
            if not raw:
                return
            parts = raw.decode().strip().split(" ")
            verb, arguments = parts[0].upper(), parts[1:]
            self.log(verb)
            if verb == "QUIT":
                for number in self.deleted:
                    os.remove(self.files[number - 1])
                self.reply("+OK bye")
                await self.writer.drain()
                return
            self.dispatch(verb, arguments)
            await self.writer.drain()

    def dispatch(self, verb, arguments):
        user, _, password = self.options.auth.partition(":")
        if verb == "CAPA":
            self.reply("+OK capabilities follow")
            for line in ("USER", "UIDL", "."):
                self.reply(line)
        elif verb == "USER":
            self.user = arguments[0] if arguments else None
            self.reply("+OK send PASS")
        elif verb == "PASS":
            if self.user == user and " ".join(arguments) == password:
                self.authenticated = True
                self.load()
                self.reply(f"+OK {len(self.files)} messages")
            else:
                self.reply("-ERR [AUTH] invalid login")
        elif not self.authenticated:
            self.reply("-ERR log in first")
        elif verb == "NOOP":
            self.reply("+OK")
        elif verb == "STAT":
            live = [n for n in range(1, len(self.files) + 1) if n not in self.deleted]
            size = sum(os.path.getsize(self.files[n - 1]) for n in live)
            self.reply(f"+OK {len(live)} {size}")
        elif verb in ("LIST", "UIDL"):
            self.listing(verb, arguments)
        elif verb == "RETR":
            self.retrieve(arguments)
        elif verb == "DELE":
            number = self.message(arguments[0] if arguments else "")
            if number is None:
                self.reply("-ERR no such message")
            else:
                self.deleted.add(number)
                self.reply(f"+OK message {number} deleted")
        elif verb == "RSET":
            self.deleted.clear()
            self.reply("+OK")
        else:
            self.reply("-ERR unknown command")

    def listing(self, verb, arguments):
        def entry(number):
            path = self.files[number - 1]
            return f"{number} {os.path.getsize(path) if verb == 'LIST' else os.path.basename(path)}"

        if arguments:
            number = self.message(arguments[0])
            self.reply(f"+OK {entry(number)}" if number else "-ERR no such message")
            return
        self.reply("+OK listing follows")
        for number in range(1, len(self.files) + 1):
            if number not in self.deleted:
                self.reply(entry(number))
        self.reply(".")

    def retrieve(self, arguments):
        number = self.message(arguments[0] if arguments else "")
        if number is None:
            self.reply("-ERR no such message")
            return
        with open(self.files[number - 1], "rb") as handle:
            data = handle.read()
        self.reply(f"+OK {len(data)} octets")
        for line in data.split(b"\r\n")[:-1] if data.endswith(b"\r\n") else data.split(b"\r\n"):
            self.writer.write((b"." + line if line.startswith(b".") else line) + b"\r\n")
        self.reply(".")


async def main(options):
    async def handle(reader, writer):
        try:
            await Session(options, reader, writer).run()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", options.port)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Minimal POP3 test server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--maildrop", required=True)
    parser.add_argument("--auth", default="user:pass")
    asyncio.run(main(parser.parse_args()))
