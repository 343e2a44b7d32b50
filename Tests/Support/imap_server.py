#!/usr/bin/env python3
"""A minimal IMAP4rev1 server over a directory, for Rundbrief's tests (one client at a time).

    imap_server.py --port 0 --root DIR --auth user:pass [--no-move] [--no-uidplus] [--flagged-deleted UID ...]

Prints `PORT <n>` once it listens. INBOX is DIR's <uid>.eml files; any other mailbox is the
subdirectory of that name. Supports CAPABILITY, LOGIN, SELECT, UID SEARCH ALL, UID FETCH n BODY[],
UID STORE n +FLAGS(.SILENT) (\\Deleted), EXPUNGE, UID EXPUNGE n (RFC 4315, unless --no-uidplus),
UID MOVE (unless --no-move), UID COPY, NOOP, LOGOUT: what libcurl and a bounce poller use.
--flagged-deleted marks messages \\Deleted from the start, as another client would have left them. Appends each command (tag and arguments dropped)
to DIR/commands.log. Stops on SIGTERM.
"""

import argparse
import asyncio
import os
import re
import shlex
import shutil
import signal


class Session:
    def __init__(self, options, reader, writer):
        self.options = options
        self.reader = reader
        self.writer = writer
        self.authenticated = False
        # \\Deleted flags persist across sessions, as on a real server.
        self.deleted = options.deleted

    def send(self, data):
        self.writer.write(data if isinstance(data, bytes) else data.encode() + b"\r\n")

    def uids(self):
        root = self.options.root
        return sorted(int(n[:-4]) for n in os.listdir(root) if n.endswith(".eml") and n[:-4].isdigit())

    def path(self, uid):
        return os.path.join(self.options.root, f"{uid}.eml")

    def log(self, words):
        with open(os.path.join(self.options.root, "commands.log"), "a") as handle:
            handle.write(" ".join(words[:2] if words[0].upper() == "UID" else words[:1]).upper() + "\n")

    async def run(self):
        capabilities = "IMAP4rev1" + ("" if self.options.no_uidplus else " UIDPLUS")
        capabilities += "" if self.options.no_move else " MOVE"
        self.capabilities = capabilities
        self.send(f"* OK [CAPABILITY {capabilities}] rundbrief test IMAP ready")
        while True:
            raw = await self.reader.readline()
            if not raw:
                return
            words = shlex.split(raw.decode().strip(), posix=True)
            if len(words) < 2:
                self.send("* BAD missing command")
                continue
            tag, command = words[0], words[1:]
            self.log(command)
            if command[0].upper() == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                await self.writer.drain()
                return
            self.send(f"{tag} {self.dispatch(command)}")
            await self.writer.drain()

    def dispatch(self, command):
        verb = command[0].upper()
        if verb == "CAPABILITY":
            self.send(f"* CAPABILITY {self.capabilities}")
            return "OK CAPABILITY completed"
        if verb == "NOOP":
            return "OK NOOP completed"
        if verb == "LOGIN":
            user, _, password = self.options.auth.partition(":")
            if command[1:3] == [user, password]:
                self.authenticated = True
                return "OK LOGIN completed"
            return "NO [AUTHENTICATIONFAILED] invalid credentials"
        if not self.authenticated:
            return "NO log in first"
        if verb in ("SELECT", "EXAMINE"):
            self.send(f"* {len(self.uids())} EXISTS")
            self.send("* OK [UIDVALIDITY 1] UIDs valid")
            self.send("* FLAGS (\\Deleted \\Seen)")
            return "OK [READ-WRITE] SELECT completed"
        if verb == "EXPUNGE":
            self.expunge(self.deleted)
            return "OK EXPUNGE completed"
        if verb == "UID" and len(command) > 2:
            return self.uid_command(command[1].upper(), command[2:])
        return "BAD unknown command"

    def uid_command(self, verb, arguments):
        uids = self.uids()
        if verb == "SEARCH":
            self.send("* SEARCH" + "".join(f" {u}" for u in uids))
            return "OK SEARCH completed"
        uid = int(arguments[0]) if arguments[0].isdigit() else -1
        if uid not in uids:
            return "NO no such message"
        sequence = uids.index(uid) + 1
        if verb == "EXPUNGE":
            if self.options.no_uidplus:
                return "BAD unknown command"
            self.expunge({uid} & self.deleted)
            return "OK UID EXPUNGE completed"
        if verb == "FETCH":
            with open(self.path(uid), "rb") as handle:
                data = handle.read()
            self.send(f"* {sequence} FETCH (UID {uid} BODY[] {{{len(data)}}}\r\n".encode() + data + b")\r\n")
            return "OK FETCH completed"
        if verb == "STORE" and re.match(r"\+FLAGS(\.SILENT)?", arguments[1], re.I):
            # shlex has eaten the backslash of \Deleted by now.
            if "deleted" in " ".join(arguments[2:]).lower():
                self.deleted.add(uid)
            return "OK STORE completed"
        if verb in ("COPY", "MOVE"):
            if verb == "MOVE" and self.options.no_move:
                return "BAD unknown command"
            folder = os.path.join(self.options.root, arguments[1])
            if not os.path.isdir(folder):
                return "NO [TRYCREATE] no such mailbox"
            shutil.copy(self.path(uid), os.path.join(folder, f"{uid}.eml"))
            if verb == "MOVE":
                self.expunge({uid})
            return f"OK {verb} completed"
        return "BAD unknown command"

    def expunge(self, uids):
        for uid in sorted(uids, reverse=True):
            current = self.uids()
            if uid in current:
                os.remove(self.path(uid))
                self.send(f"* {current.index(uid) + 1} EXPUNGE")
        self.deleted.difference_update(uids)


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
    # A parent such as the Swift test runner may have blocked signals; SIGTERM must reach us.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser(description="Minimal IMAP test server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--root", required=True)
    parser.add_argument("--auth", default="user:pass")
    parser.add_argument("--no-move", action="store_true")
    parser.add_argument("--no-uidplus", action="store_true")
    parser.add_argument("--flagged-deleted", type=int, nargs="*", default=[])
    arguments = parser.parse_args()
    arguments.deleted = set(arguments.flagged_deleted)
    asyncio.run(main(arguments))
