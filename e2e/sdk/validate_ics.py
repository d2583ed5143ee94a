"""Parses Portico's maintenance calendar with an independent parser (icalendar) and checks it.

usage: validate_ics.py FEED.ics EXPECTATIONS.json
EXPECTATIONS: {"<window id>": {"sequence": N, "status": "CONFIRMED"|"CANCELLED", "start": ISO, "end": ISO}}
"""
import json
import sys
from datetime import datetime, timezone

from icalendar import Calendar

raw = open(sys.argv[1], "rb").read()
expected = json.load(open(sys.argv[2]))
calendar = Calendar.from_ical(raw)
assert calendar["VERSION"] == "2.0", calendar["VERSION"]
assert "PRODID" in calendar
events = {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
assert set(events) == set(expected), (sorted(events), sorted(expected))
for uid, want in expected.items():
    event = events[uid]
    assert int(event["SEQUENCE"]) == want["sequence"], (uid, event["SEQUENCE"], want)
    assert str(event["STATUS"]) == want["status"], (uid, event["STATUS"], want)
    start = event["DTSTART"].dt
    end = event["DTEND"].dt
    assert start.tzinfo is not None and start.utcoffset().total_seconds() == 0, start
    assert start == datetime.fromisoformat(want["start"]).astimezone(timezone.utc), (start, want)
    assert end == datetime.fromisoformat(want["end"]).astimezone(timezone.utc), (end, want)
    assert str(event["DESCRIPTION"]) == want["description"], (str(event["DESCRIPTION"]), want["description"])
print(f"{len(events)} event(s) valid")
