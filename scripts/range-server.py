#!/usr/bin/env python3
"""A Hugging Face-shaped file host for trying models named by URL against a local `runlocalai serve`.

Usage: scripts/range-server.py DIR [--port 8099]
  DIR/OWNER/NAME/FILE is served at /OWNER/NAME/resolve/main/FILE (Range requests answered with 206 and an ETag),
  and /api/models/OWNER/NAME lists the repository's files as the Hugging Face models API does ("siblings").
Then: runlocalai serve --model-host 127.0.0.1:8099 ... and ask for model=http://127.0.0.1:8099/OWNER/NAME:Q4_K_M
(an IP literal is refused unless it is the host --model-host names).
"""
import argparse, http.server, json, os, re

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--port", type=int, default=8099)
a = ap.parse_args()
root = os.path.realpath(a.dir)

class Handler(http.server.BaseHTTPRequestHandler):
    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        m = re.fullmatch(r"/api/models/([^/]+)/([^/]+)", self.path)
        if m:
            repo = os.path.normpath(os.path.join(root, m[1], m[2]))
            if not repo.startswith(root + os.sep) or not os.path.isdir(repo): return self.send(404)
            files = sorted(os.path.relpath(os.path.join(d, f), repo) for d, _, fs in os.walk(repo) for f in fs)
            return self.send(200, json.dumps({"id": f"{m[1]}/{m[2]}", "siblings": [{"rfilename": f} for f in files]}).encode(),
                             [("Content-Type", "application/json")])
        m = re.fullmatch(r"/([^/]+)/([^/]+)/resolve/main/(.+)", self.path.split("?")[0])
        if not m: return self.send(404)
        path = os.path.normpath(os.path.join(root, m[1], m[2], m[3]))   # symlinks under DIR may point elsewhere
        if not path.startswith(root + os.sep) or not os.path.isfile(path): return self.send(404)
        size = os.path.getsize(path)
        etag = f'"{size}-{int(os.path.getmtime(path))}"'
        r = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range", ""))
        with open(path, "rb") as f:
            if r:
                start, end = int(r[1]), min(int(r[2]), size - 1)
                if start >= size: return self.send(416, b"", [("Content-Range", f"bytes */{size}")])
                f.seek(start)
                return self.send(206, f.read(end - start + 1), [("Content-Range", f"bytes {start}-{end}/{size}"), ("ETag", etag)])
            return self.send(200, f.read(), [("ETag", etag)])

http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler).serve_forever()
