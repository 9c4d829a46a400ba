"""The dev server's reload stream (/__reload): what a HEAD request gets."""

from __future__ import annotations


def test_a_head_request_for_the_reload_stream_gets_headers_and_the_connection_closes(tmp_path):
    """HEAD answers headers only; it used to stream reload events forever."""
    import socket
    import threading

    from tools.serve import Generation, make_server

    generation = Generation()
    httpd = make_server(tmp_path, "127.0.0.1", 0, generation)  # no site needed for /__reload
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(httpd.server_address, timeout=5) as sock:
            sock.sendall(b"HEAD /__reload HTTP/1.1\r\nHost: localhost\r\n\r\n")
            threading.Timer(0.2, generation.bump).start()  # a build finishes meanwhile
            received = b""
            while chunk := sock.recv(4096):  # a socket.timeout here means it kept streaming
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200") and b"Content-Type: text/event-stream" in head
        assert body == b""
    finally:
        httpd.shutdown()
