"""A real SMTP server for the email tests (aiosmtpd, Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port and prints "port N" once it accepts
connections. Each message it accepts is written to OUT_DIR as one JSON file
(envelope sender, recipients, the login that sent it, the message as sent, and
its subject and text decoded),
written whole under a temporary name and then renamed, so a reader never sees
half a message.

  smtp_sink.py OUT_DIR --mode plain|starttls|tls [--cert PEM --key PEM]
               [--user NAME --password SECRET] [--port N]

starttls: STARTTLS offered and required before MAIL; tls: TLS from the first
byte. With --user, AUTH is required (and only offered over TLS).
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import logging
import os
import socket
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        # Decoded as a mail reader would: a non-ASCII subject comes
        # RFC 2047-encoded, a non-ASCII body quoted-printable or base64.
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.decode() if session.authenticated else None,
            # STARTTLS (session.ssl) or TLS from the first byte (the transport's).
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "data": envelope.content.decode("utf-8", "replace"),
            "subject": str(message["subject"] or ""),
            "text": "" if message.is_multipart() else message.get_content(),
        }
        temporary = os.path.join(self.out_dir, f".{n}.tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(temporary, os.path.join(self.out_dir, f"{n}.json"))
        return "250 Message accepted"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, auth_data=auth_data.login if ok else None)

    return authenticate


async def main():
    # aiosmtpd warns about its own use of a deprecated field on every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--mode", choices=["plain", "starttls", "tls"], default="plain")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    sink = Sink(args.out_dir)

    def smtp():
        return SMTP(
            sink,
            hostname="localhost",
            tls_context=context if args.mode == "starttls" else None,
            require_starttls=args.mode == "starttls",
            authenticator=authenticator_for(args.user, args.password) if args.user else None,
            auth_required=bool(args.user),
            auth_require_tls=True,
        )

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A test may bring the sink up on a port a dead server just held.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    server = await asyncio.get_running_loop().create_server(
        smtp, sock=listener, ssl=context if args.mode == "tls" else None
    )
    print(f"port {listener.getsockname()[1]}", flush=True)
    await server.serve_forever()


asyncio.run(main())
