"""Stand-in for a pager and a ticket system in the compose stack.

Alertmanager's webhook receivers post here (/page, /ticket); each notification is printed as one
JSON line on stdout (`docker compose logs alert-sink`) and answered 200. Replace the receivers'
URLs in alertmanager.yml to reach real people.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Notification(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            message = json.loads(body)
            line = {
                "receiver": self.path.strip("/"),
                "status": message.get("status"),
                "group": message.get("groupLabels"),
                "alerts": [
                    {"status": a.get("status"), "labels": a.get("labels"), "summary": a.get("annotations", {}).get("summary")}
                    for a in message.get("alerts", [])
                ],
            }
        except ValueError:
            line = {"receiver": self.path.strip("/"), "unparsed": body.decode("utf-8", "replace")}
        print(json.dumps(line), flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format, *args):
        pass  # the JSON line above is the log


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9095
    ThreadingHTTPServer(("0.0.0.0", port), Notification).serve_forever()
