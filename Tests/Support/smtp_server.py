#!/usr/bin/env python3
"""A scriptable SMTP server for Rundbrief's tests and demos, built on aiosmtpd.

Prints `PORT <n>` as its first stdout line once it listens, then serves until SIGTERM/SIGINT.
With --out DIR, message n is written as DIR/<n>.eml (bytes as received, dot-unstuffed) with
DIR/<n>.json beside it (mail_from, rcpt_tos, timestamp, peer, connection), and DIR/stats.json
holds {"connections": c, "messages": m}, rewritten after every event.

Recipient rules (repeatable flags): --reject ADDR answers RCPT with 550 5.1.1, --tempfail ADDR
with 451 4.7.1, --tempfail-once ADDR with 451 4.7.1 the first time only. --drop-after N closes each
connection after it carried N messages; --stop-after N shuts the whole server down (connections
closed, port no longer listening) after N messages in total. --stall-after N stops answering once N
messages arrived: every later DATA is read but never acknowledged nor recorded (a relay that hangs).
--close-at-mail ADDR answers MAIL FROM:<ADDR> with 421 4.3.2 and closes the connection (a relay going away).
--greeting-delay S greets each connection S seconds after accepting it (a slow relay); stats.json then
also holds "waiting_max", the most connections that waited for their greeting at the same time.
--pipelining announces PIPELINING (RFC 2920) in the EHLO reply; stats.json then also counts in
"pipelined" the transactions whose RCPT TO had already arrived when MAIL FROM was answered (the
client sent them in one group), and each N.json records the MAIL FROM parameters as "mail_options".
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    """Counts connections and messages and writes what arrives."""

    def __init__(self, out_dir, on_message=None):
        self.out_dir = out_dir
        self.on_message = on_message
        self.connections = 0
        self.messages = 0
        self.pipelined = 0
        self.waiting = 0
        self.waiting_max = 0
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            self.messages = max(
                [int(n[:-4]) for n in os.listdir(out_dir) if n.endswith(".eml") and n[:-4].isdigit()],
                default=0,
            )
        self.write_stats()

    def connection_opened(self):
        self.connections += 1
        self.write_stats()
        return self.connections

    def message_received(self, envelope, session, connection):
        self.messages += 1
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "timestamp": time.time(),
            "peer": list(session.peer) if session.peer else None,
            "connection": connection,
            "mail_options": list(envelope.mail_options),
        }
        data = envelope.original_content or b""
        if self.out_dir:
            # JSON first, .eml last and atomically: whoever sees the .eml also sees its envelope.
            self._write_atomic(f"{self.messages}.json", json.dumps(meta, indent=1).encode())
            self._write_atomic(f"{self.messages}.eml", data)
            self.write_stats()
        if self.on_message:
            self.on_message(self.messages, meta, data)
        return self.messages

    def write_stats(self):
        if self.out_dir:
            stats = {"connections": self.connections, "messages": self.messages, "pipelined": self.pipelined,
                     "waiting_max": self.waiting_max}
            self._write_atomic("stats.json", json.dumps(stats).encode())

    def _write_atomic(self, name, data):
        path = os.path.join(self.out_dir, name)
        with open(path + ".tmp", "wb") as handle:
            handle.write(data)
        os.replace(path + ".tmp", path)


class RuleHandler:
    """aiosmtpd handler applying the recipient rules and recording messages."""

    def __init__(self, options, recorder, controller):
        self.reject = {a.lower() for a in options.reject}
        self.tempfail = {a.lower() for a in options.tempfail}
        self.tempfail_once = {a.lower() for a in options.tempfail_once}
        self.recorder = recorder
        self.controller = controller
        self.drop_after = options.drop_after
        self.stop_after = options.stop_after
        self.stall_after = options.stall_after
        self.pipelining = options.pipelining
        self.close_at_mail = {a.lower() for a in options.close_at_mail}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # With this hook aiosmtpd leaves remembering the client's name to the handler.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # A client that pipelines has sent RCPT TO with MAIL FROM: it already waits in the buffer.
        waiting = bytes(getattr(server._reader, "_buffer", b""))
        if b"RCPT TO:" in waiting.upper():
            self.recorder.pipelined += 1
            self.recorder.write_stats()
        if address.lower() in self.close_at_mail:
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if key in self.reject:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if key in self.tempfail:
            return f"451 4.7.1 <{address}>: Recipient address rejected: Try again later"
        if key in self.tempfail_once:
            self.tempfail_once.discard(key)
            return f"451 4.7.1 <{address}>: Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall_after and self.recorder.messages >= self.stall_after:
            await asyncio.Event().wait()  # never set: the client waits for a reply that never comes
        server.messages_here += 1
        number = self.recorder.message_received(envelope, session, server.connection_number)
        loop = asyncio.get_running_loop()
        if self.drop_after and server.messages_here >= self.drop_after:
            # After the 250 below has been written; close() flushes it first.
            loop.call_soon(server.transport.close)
        if self.stop_after and self.recorder.messages >= self.stop_after:
            loop.call_soon(self.controller.stop_serving)
        return f"250 2.0.0 Ok: queued as {number}"


class Controller:
    """Owns the listening socket and the live connections."""

    def __init__(self, options, recorder):
        self.options = options
        self.recorder = recorder
        self.handler = RuleHandler(options, recorder, self)
        self.live = set()
        self.server = None
        self.stopped = asyncio.Event()
        self.tls_context = None
        if options.tls_cert:
            self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls_context.load_cert_chain(options.tls_cert, options.tls_key)

    def protocol(self):
        kwargs = {
            "hostname": "rundbrief-test",
            "enable_SMTPUTF8": True,
            "tls_context": self.tls_context,
            "require_starttls": self.options.require_starttls and self.tls_context is not None,
        }
        if self.options.auth:
            kwargs.update(
                authenticator=self.authenticate,
                auth_required=True,
                # Without a certificate there is no STARTTLS to insist on (loopback tests only).
                auth_require_tls=self.tls_context is not None,
            )
        smtp = SMTP(self.handler, **kwargs)
        smtp.connection_number = self.recorder.connection_opened()
        smtp.messages_here = 0
        original_lost = smtp.connection_lost

        def connection_lost(error, smtp=smtp):
            self.live.discard(smtp)
            original_lost(error)

        smtp.connection_lost = connection_lost
        if self.options.greeting_delay:
            original_made = smtp.connection_made

            def greet(transport, original_made=original_made):
                self.recorder.waiting -= 1
                original_made(transport)

            def connection_made(transport):
                self.recorder.waiting += 1
                self.recorder.waiting_max = max(self.recorder.waiting_max, self.recorder.waiting)
                self.recorder.write_stats()
                asyncio.get_running_loop().call_later(self.options.greeting_delay, greet, transport)

            smtp.connection_made = connection_made
        self.live.add(smtp)
        return smtp

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        user, _, password = self.options.auth.partition(":")
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False makes aiosmtpd answer the failure itself (535 5.7.8).
        return AuthResult(success=ok, handled=False)

    def stop_serving(self):
        if self.server is not None:
            self.server.close()
        for smtp in list(self.live):
            if smtp.transport is not None:
                smtp.transport.close()
        self.stopped.set()

    async def run(self):
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self.protocol, self.options.host, self.options.port)
        port = self.server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        terminate = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, terminate.set)
        await terminate.wait()
        self.stop_serving()
        await asyncio.sleep(0.05)


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description="Rundbrief's test SMTP server (aiosmtpd).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--out", help="directory for <n>.eml, <n>.json and stats.json")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth", help="user:pass; AUTH PLAIN/LOGIN then becomes mandatory")
    parser.add_argument("--reject", action="append", default=[], metavar="ADDR")
    parser.add_argument("--tempfail", action="append", default=[], metavar="ADDR")
    parser.add_argument("--tempfail-once", action="append", default=[], metavar="ADDR")
    parser.add_argument("--drop-after", type=int, default=0, metavar="N")
    parser.add_argument("--stop-after", type=int, default=0, metavar="N")
    parser.add_argument("--stall-after", type=int, default=0, metavar="N")
    parser.add_argument("--close-at-mail", action="append", default=[], metavar="ADDR")
    parser.add_argument("--greeting-delay", type=float, default=0, metavar="S")
    parser.add_argument("--pipelining", action="store_true", help="announce PIPELINING in the EHLO reply")
    options = parser.parse_args(argv)
    if bool(options.tls_cert) != bool(options.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return options


def serve(options, on_message=None):
    # A parent such as the Swift test runner may have blocked signals; SIGTERM must reach us.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    logging.basicConfig(level=logging.CRITICAL)
    recorder = Recorder(options.out, on_message)

    async def main():
        await Controller(options, recorder).run()

    asyncio.run(main())


if __name__ == "__main__":
    serve(parse_arguments())
    sys.exit(0)
