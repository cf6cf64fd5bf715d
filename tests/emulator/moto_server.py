"""moto, as the tests' AWS emulator, with DynamoDB requests applied one at a time.

moto evaluates a TransactWriteItems' conditions and applies its writes without isolation from
other request threads, so two concurrent transactions can both pass the same
`attribute_not_exists` check. DynamoDB itself serializes conflicting transactions; serializing
DynamoDB calls here gives the tests that same guarantee. Every other service stays concurrent.

Usage: python moto_server.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


class SerializedDynamoDB:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB"):
            with self.lock:
                return list(self.app(environ, start_response))
        return self.app(environ, start_response)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, SerializedDynamoDB(app), threaded=True)


if __name__ == "__main__":
    main()
