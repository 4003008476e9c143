"""A static file server that misbehaves on request, for the feed tests.

Serves files from a root folder (with Range support, as a CDN would) and,
for paths matching a rule, instead: answers with a status and Retry-After,
flips a byte, appends bytes, streams forever, truncates, trickles one byte
a second, redirects, or serves other bytes (`body`: what the file held a
moment ago). Every request is recorded in `requests`.
"""
import http.server
import os
import re
import socket
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        srv = self.server
        name = self.path.split("?")[0].lstrip("/")
        with srv.lock:
            srv.requests.append({"path": name,
                                 "range": self.headers.get("Range"),
                                 "inm": self.headers.get("If-None-Match")})
            rule = None
            for pat, r in srv.rules:
                if re.search(pat, name) and r.get("times", 1) != 0:
                    rule = r
                    if "times" in r:
                        r["times"] -= 1
                    break
        path = os.path.join(srv.root, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            data = None
        try:
            self.respond(rule or {}, data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def respond(self, rule, data):
        if "status" in rule:
            body = b"error page\n"
            self.send_response(rule["status"])
            if "retry_after" in rule:
                self.send_header("Retry-After", rule["retry_after"])
            if "location" in rule:
                self.send_header("Location", rule["location"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if "body" in rule:
            data = rule["body"]
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "flip" in rule:
            i = rule["flip"] % len(data)
            data = data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]
        if "extra" in rule:
            data = data + b"\0" * rule["extra"]
        if rule.get("endless"):
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = data[:4096] or b"x" * 4096
            deadline = time.time() + 20
            while time.time() < deadline:
                self.wfile.write(chunk)
            return
        start = 0
        rng = self.headers.get("Range")
        m = re.match(r"bytes=(\d+)-$", rng or "")
        if m and int(m.group(1)) < len(data):
            start = int(m.group(1))
            self.send_response(206)
            self.send_header("Content-Range",
                             "bytes %d-%d/%d" % (start, len(data) - 1,
                                                 len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"%x-%x"' % (len(data), hash(data) & 0xffff))
        self.end_headers()
        if "truncate" in rule:
            self.wfile.write(body[:rule["truncate"]])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if "trickle" in rule:
            for b in body:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(rule["trickle"])
            return
        self.wfile.write(body)


class BadServer:
    def __init__(self, root):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.httpd.root = root
        self.httpd.rules = []
        self.httpd.requests = []
        self.httpd.lock = threading.Lock()
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def rule(self, pattern, **behaviour):
        with self.httpd.lock:
            self.httpd.rules.append((pattern, behaviour))

    def clear(self):
        with self.httpd.lock:
            self.httpd.rules.clear()
            self.httpd.requests.clear()

    @property
    def requests(self):
        with self.httpd.lock:
            return list(self.httpd.requests)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
