#!/usr/bin/env python3
"""A real SMTP server for Billstream's mail tests (aiosmtpd, loopback only).

It listens on 127.0.0.1, prints one line `READY <port>` when it accepts connections, and
stores every message it accepts in --out-dir: `msg-N.eml` holds the raw bytes as received
(after SMTP dot-unstuffing), `msg-N.json` the envelope, the connection's TLS and AUTH state,
and the message as Python's email package parses it, so the tests check our MIME output
against an independent decoder.

Recipients whose local part starts with `rejected` get a 550, with `tempfail` a 451.

--tempfail-data N answers the first N messages with 451 after their data (nothing stored).
--data-reply-delay S stores a message and then waits S seconds before its 250 (the first
--delay-count messages, default all): a client killed or timed out in that window leaves a
message the server has but the client never heard about.

The server stops after --lifetime seconds, on SIGTERM/SIGINT and, with --exit-on-stdin-eof,
when stdin is closed, so a test that crashed never leaves it behind.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import email.utils
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    p.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain",
                   help="plain: no TLS; starttls: offers STARTTLS; tls: implicit TLS")
    p.add_argument("--cert", help="server certificate (PEM), for starttls and tls")
    p.add_argument("--key", help="server private key (PEM), for starttls and tls")
    p.add_argument("--user", help="require AUTH with this user name")
    p.add_argument("--password", help="the password for --user")
    p.add_argument("--auth-over-plaintext", action="store_true",
                   help="offer AUTH on an unencrypted connection too")
    p.add_argument("--out-dir", required=True, help="folder for the received messages")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="exit when stdin is closed (the test that started it has gone)")
    p.add_argument("--tempfail-data", type=int, default=0,
                   help="answer the first N messages with 451 after their data")
    p.add_argument("--data-reply-delay", type=float, default=0.0,
                   help="seconds to wait after storing a message before answering 250")
    p.add_argument("--delay-count", type=int, default=-1,
                   help="how many messages get the delay (-1: all)")
    p.add_argument("--lifetime", type=float, default=120.0,
                   help="exit after this many seconds whatever happens")
    args = p.parse_args()
    if args.mode != "plain" and not (args.cert and args.key):
        p.error("--mode starttls/tls needs --cert and --key")
    if bool(args.user) != (args.password is not None):
        p.error("--user and --password go together")
    return args


def describe(message):
    """The parts of a parsed message the tests compare, all JSON-safe."""
    headers = {}
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        values = message.get_all(name) or []
        headers[name] = [str(v) for v in values]
    from_addresses = []
    if message["From"] is not None:
        from_addresses = [{"name": a.display_name, "address": a.addr_spec}
                          for a in message["From"].addresses]
    to_addresses = []
    if message["To"] is not None:
        to_addresses = [a.addr_spec for a in message["To"].addresses]
    date_epoch = None
    if message["Date"] is not None:
        try:
            date_epoch = int(email.utils.parsedate_to_datetime(str(message["Date"])).timestamp())
        except (TypeError, ValueError):
            date_epoch = None
    parts = []
    defects = [repr(d) for d in message.defects]
    for part in message.walk():
        defects += [repr(d) for d in part.defects]
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "contentType": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transferEncoding": part.get("Content-Transfer-Encoding", ""),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "payloadBase64": base64.b64encode(payload).decode("ascii"),
        })
    return {
        "contentType": message.get_content_type(),
        "headers": headers,
        "fromAddresses": from_addresses,
        "toAddresses": to_addresses,
        "dateEpoch": date_epoch,
        "parts": parts,
        "defects": defects,
    }


class Handler:
    def __init__(self, out_dir, tempfail_data=0, reply_delay=0.0, delay_count=-1):
        self.out_dir = out_dir
        self.count = 0
        self.tempfail_left = tempfail_data
        self.reply_delay = reply_delay
        self.delays_left = delay_count

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("rejected"):
            return "550 5.1.1 No such user here"
        if local.startswith("tempfail"):
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            return "451 4.3.0 Temporary local problem, try again later"
        self.count += 1
        base = os.path.join(self.out_dir, "msg-%d" % self.count)
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        transport = server.transport
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None)
        login = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode("utf-8", "replace")
        info = {
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "tls": tls,
            "authLogin": login,
            "message": describe(message),
        }
        # The .eml appears last and atomically: a reader that sees it also sees the .json.
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(info, f, indent=1)
        with open(base + ".tmp", "wb") as f:
            f.write(raw)
        os.replace(base + ".tmp", base + ".eml")
        if self.reply_delay > 0 and self.delays_left != 0:
            if self.delays_left > 0:
                self.delays_left -= 1
            await asyncio.sleep(self.reply_delay)
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode("utf-8")
              and auth_data.password == password.encode("utf-8"))
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


async def serve(args):
    loop = asyncio.get_running_loop()
    os.makedirs(args.out_dir, exist_ok=True)
    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    handler = Handler(args.out_dir, args.tempfail_data, args.data_reply_delay, args.delay_count)
    smtp_options = {
        "hostname": "billstream-test-smtp",
        "timeout": 30,
        # Implicit TLS is encrypted from the first byte; aiosmtpd only counts STARTTLS.
        "auth_require_tls": args.mode == "starttls" and not args.auth_over_plaintext,
    }
    if args.mode == "starttls":
        smtp_options["tls_context"] = context
    if args.user:
        smtp_options["auth_required"] = True
        smtp_options["authenticator"] = make_authenticator(args.user, args.password)

    def factory():
        return SMTP(handler, **smtp_options)

    server = await loop.create_server(factory, host="127.0.0.1", port=args.port,
                                      ssl=context if args.mode == "tls" else None)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)

    stop = loop.create_future()

    def request_stop(*_):
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop)

    if args.exit_on_stdin_eof:
        def watch_stdin():
            # A thread, because epoll refuses some kinds of stdin (files, /dev/null).
            while sys.stdin.buffer.read1(4096):
                pass
            loop.call_soon_threadsafe(request_stop)

        threading.Thread(target=watch_stdin, daemon=True).start()
    loop.call_later(args.lifetime, request_stop)
    await stop
    server.close()


def main():
    args = parse_args()
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
