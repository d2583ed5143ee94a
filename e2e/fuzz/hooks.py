"""Schemathesis hooks: what to send as a deployment package (`application/zip`).

A mix of real packages (valid and broken ones), ZIP-looking garbage and random bytes, so the
upload endpoint sees both what scripts send and what attackers might.
"""
import io
import zipfile

import schemathesis
from hypothesis import strategies as st


def _package(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries:
            archive.writestr(name, body)
    return buffer.getvalue()


VALID = _package([("portico-package.json", '{"name": "fuzz", "version": "1.0.0"}'), ("app/site.dll", "MZ")])
SLIP = _package([("portico-package.json", '{"name": "fuzz", "version": "1.0.0"}'), ("../evil.sh", "boom")])
PLAIN = _package([("readme.txt", "no manifest")])

packages = st.one_of(
    st.sampled_from([VALID, SLIP, PLAIN]),
    st.binary(max_size=512).map(lambda tail: b"PK\x03\x04" + tail),
    st.binary(max_size=512),
)

schemathesis.openapi.media_type("application/zip", packages)
