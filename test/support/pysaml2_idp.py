#!/usr/bin/python3
"""A small SAML 2.0 identity provider built on pysaml2 (Debian's python3-pysaml2 + xmlsec1), for
jitgate's interoperability tests: an implementation nobody on the project wrote.

  pysaml2_idp.py --key K --cert C --sp-metadata URL --users FILE

It listens on a random loopback port and prints "listening <base URL>". Routes:
  GET  /metadata       its IdP metadata (entity ID = this URL)
  GET  /sso/redirect   HTTP-Redirect binding: checks the AuthnRequest's signature against the
                       SP's metadata, then shows a login form
  POST /login          checks the password, answers with a signed response and assertion in
                       pysaml2's own HTTP-POST binding page

The SP's metadata is read from jitgate at the first request that needs it (jitgate must be up).
Users are JSON: [{"username", "password", "mail", "displayName", "groups": [...]}].
"""
import argparse
import html
import json
import secrets
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from saml2.authn_context import PASSWORDPROTECTEDTRANSPORT


def idp_config(base, args, sp_metadata=None):
    config = IdPConfig()
    config.load({
        "entityid": f"{base}/metadata",
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]},
            "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
        }},
        "key_file": args.key,
        "cert_file": args.cert,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
    })
    return config


class Idp:
    def __init__(self, base, args):
        self.base, self.args = base, args
        self.users = {u["username"]: u for u in json.load(open(args.users))}
        self.pending = {}  # login form key -> (AuthnRequest, RelayState)
        self._server = None

    def server(self):
        if self._server is None:
            with urlopen(self.args.sp_metadata, timeout=10) as reply:
                self._server = Server(config=idp_config(self.base, self.args, reply.read().decode()))
        return self._server

    def metadata(self):
        return str(entity_descriptor(idp_config(self.base, self.args)))

    def sso(self, query):
        message = {k: v[0] for k, v in query.items()}
        request = self.server().parse_authn_request(message["SAMLRequest"], BINDING_HTTP_REDIRECT)
        issuer = request.message.issuer.text
        certs = self.server().metadata.certs(issuer, "any", "signing")
        signed = "Signature" in message and any(
            verify_redirect_signature(message, self.server().sec.sec_backend, cert) for cert in certs)
        if not signed:
            return 403, "<p>The AuthnRequest is not signed by the service provider.</p>"
        key = secrets.token_urlsafe(16)
        self.pending[key] = (request.message, message.get("RelayState", ""))
        return 200, (f'<form method="post" action="/login"><input type="hidden" name="key" value="{key}">'
                     '<input name="username"><input name="password" type="password">'
                     '<button type="submit">Sign in</button></form>')

    def login(self, form):
        request, relay_state = self.pending.pop(form.get("key", [""])[0], (None, None))
        user = self.users.get(form.get("username", [""])[0])
        if request is None or user is None or form.get("password", [""])[0] != user["password"]:
            return 401, "<p>Invalid username or password</p>"
        server = self.server()
        destination = server.config.metadata.assertion_consumer_service(
            request.issuer.text, BINDING_HTTP_POST)[0]["location"]
        response = server.create_authn_response(
            identity={"uid": [user["username"]], "mail": [user["mail"]],
                      "displayName": [user["displayName"]], "isMemberOf": user["groups"]},
            in_response_to=request.id,
            destination=destination,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=user["username"]),
            authn={"class_ref": PASSWORDPROTECTEDTRANSPORT},
            sign_response=True, sign_assertion=True,
            sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        )
        page = server.apply_binding(BINDING_HTTP_POST, str(response), destination, relay_state,
                                    response=True)
        return 200, page["data"]


def main():
    parser = argparse.ArgumentParser()
    for name in ("--key", "--cert", "--sp-metadata", "--users"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def answer(self, status, body, content_type="text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def guarded(self, work):
            try:
                self.answer(*work())
            except Exception as error:  # the test reads the message; the IdP keeps running
                self.answer(500, f"<p>{html.escape(repr(error))}</p>")

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/metadata":
                self.guarded(lambda: (200, idp.metadata(), "application/samlmetadata+xml"))
            elif url.path == "/sso/redirect":
                self.guarded(lambda: idp.sso(parse_qs(url.query)))
            else:
                self.answer(404, "<p>Not found</p>")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            if urlparse(self.path).path == "/login":
                self.guarded(lambda: idp.login(form))
            else:
                self.answer(404, "<p>Not found</p>")

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    idp = Idp(base, args)
    print(f"listening {base}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
