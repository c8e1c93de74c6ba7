#!/usr/bin/python3
"""A WebKitGTK 2.50 window that plays the user in front of WebKit's own microphone prompt.

JSON lines on stdin: {"id": n, "cmd": name, ...}; one reply per command on stdout:
{"id": n, "ok": true, "value": ...} or {"id": n, "ok": false, "error": "..."}; and events without an
id: {"event": "permission-request"} when WebKit asks (the page's getUserMedia waits until answered).

WebKit's defaults are kept (autoplay policy included); only media streams are switched on, which
WebKitGTK leaves off for an embedder that does not ask for them.
"""
import faulthandler
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

faulthandler.enable()

state = {
    # How the next microphone request is answered: "allow", "deny" or "pending" (held until "answer").
    "policy": "pending",
    # What permissions.query({name:'microphone'}) is told: "granted", "denied" or "prompt".
    "query": "prompt",
    "held": [],
    "requests": 0,
    "load": None,
}


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def reply(ident, value=None, error=None):
    if error is None:
        send({"id": ident, "ok": True, "value": value})
    else:
        send({"id": ident, "ok": False, "error": str(error)})


settings = WebKit2.Settings()
settings.set_enable_media_stream(True)
settings.set_enable_write_console_messages_to_stdout(False)
view = WebKit2.WebView(settings=settings)
window = Gtk.Window()
window.set_default_size(1280, 800)
window.add(view)
window.show_all()


def answer(request, decision):
    if decision == "allow":
        request.allow()
    else:
        request.deny()


def on_permission_request(_view, request):
    if not isinstance(request, WebKit2.UserMediaPermissionRequest):
        return False
    state["requests"] += 1
    held = state["policy"] == "pending"
    send({"event": "permission-request", "held": held,
          "audio": WebKit2.user_media_permission_is_for_audio_device(request)})
    if held:
        state["held"].append(request)
    else:
        answer(request, state["policy"])
    return True


QUERY_STATES = {
    "granted": WebKit2.PermissionState.GRANTED,
    "denied": WebKit2.PermissionState.DENIED,
    "prompt": WebKit2.PermissionState.PROMPT,
}


def on_query_permission_state(_view, query):
    if query.get_name() != "microphone":
        return False
    query.finish(QUERY_STATES[state["query"]])
    return True


def on_load_changed(_view, event):
    if event == WebKit2.LoadEvent.FINISHED and state["load"] is not None:
        ident, state["load"] = state["load"], None
        reply(ident, view.get_uri())


def on_load_failed(_view, _event, uri, error):
    if state["load"] is not None:
        ident, state["load"] = state["load"], None
        reply(ident, error=f"loading {uri} failed: {error.message}")
    return True


view.connect("permission-request", on_permission_request)
view.connect("query-permission-state", on_query_permission_state)
view.connect("load-changed", on_load_changed)
view.connect("load-failed", on_load_failed)

CAPTURE_STATES = {
    "none": WebKit2.MediaCaptureState.NONE,
    "active": WebKit2.MediaCaptureState.ACTIVE,
    "muted": WebKit2.MediaCaptureState.MUTED,
}


def run_script(ident, body):
    """Runs `body` as an async function in the main frame, as a user action (it carries a user gesture)."""

    def done(_source, result):
        try:
            value = view.call_async_javascript_function_finish(result)
            text = value.to_json(0) if not value.is_undefined() else None
            reply(ident, None if text is None else json.loads(text))
        except GLib.Error as error:
            reply(ident, error=error.message)

    view.call_async_javascript_function(body, -1, None, None, None, None, done)


def snapshot(ident, path):
    def done(_source, result):
        try:
            view.get_snapshot_finish(result).write_to_png(path)
            reply(ident, path)
        except GLib.Error as error:
            reply(ident, error=error.message)

    view.get_snapshot(WebKit2.SnapshotRegion.FULL_DOCUMENT, WebKit2.SnapshotOptions.NONE, None, done)


def handle(message):
    ident, cmd = message.get("id"), message.get("cmd")
    if cmd == "load":
        state["load"] = ident
        view.load_uri(message["url"])
    elif cmd == "policy":
        state["policy"] = message["microphone"]
        reply(ident)
    elif cmd == "answer":
        if not state["held"]:
            reply(ident, error="no microphone request is waiting for an answer")
        else:
            answer(state["held"].pop(0), message["decision"])
            reply(ident, len(state["held"]))
    elif cmd == "query":
        state["query"] = message["state"]
        reply(ident)
    elif cmd == "status":
        reply(ident, {"held": len(state["held"]), "requests": state["requests"],
                      "capture": view.get_microphone_capture_state().value_nick})
    elif cmd == "capture-state":
        wanted = CAPTURE_STATES[message["state"]]
        current = view.get_microphone_capture_state()
        # Only a page that captures has a state to change (WebKit crashes when asked to stop nothing).
        if current != WebKit2.MediaCaptureState.NONE and current != wanted:
            view.set_microphone_capture_state(wanted)
        reply(ident, current.value_nick)
    elif cmd == "script":
        run_script(ident, message["body"])
    elif cmd == "snapshot":
        snapshot(ident, message["path"])
    elif cmd == "resize":
        window.resize(message["width"], message["height"])
        reply(ident)
    elif cmd == "hide":
        window.hide()
        reply(ident)
    elif cmd == "show":
        window.show_all()
        window.present()
        reply(ident)
    elif cmd == "quit":
        reply(ident)
        Gtk.main_quit()
    else:
        reply(ident, error=f"unknown command {cmd}")


def on_stdin(channel, condition):
    if condition & (GLib.IO_HUP | GLib.IO_ERR):
        Gtk.main_quit()
        return False
    line = channel.readline()
    if not line:
        Gtk.main_quit()
        return False
    try:
        handle(json.loads(line))
    except Exception as error:  # a bad command is reported, never fatal
        ident = None
        try:
            ident = json.loads(line).get("id")
        except Exception:
            pass
        reply(ident, error=f"{type(error).__name__}: {error}")
    return True


channel = GLib.IOChannel.unix_new(sys.stdin.fileno())
GLib.io_add_watch(channel, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)
send({"event": "ready"})
Gtk.main()
