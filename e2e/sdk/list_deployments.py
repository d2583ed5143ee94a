"""Lists a project's deployments with a personal access token, through the Python client
generated from openapi/portico.json by openapi-python-client.

usage: list_deployments.py CLIENT_PARENT_DIR BASE_URL TOKEN PROJECT_GUID EXPECTED_DEPLOYMENT_ID
"""
import sys
from uuid import UUID

sys.path.insert(0, sys.argv[1])

from portico_client import AuthenticatedClient  # noqa: E402  (generated)
from portico_client.api.deployments import list_deployments  # noqa: E402
from portico_client.api.projects import get_project  # noqa: E402
from portico_client.models import PageDeployment  # noqa: E402

base_url, token, guid, expected = sys.argv[2], sys.argv[3], UUID(sys.argv[4]), sys.argv[5]
with AuthenticatedClient(base_url=base_url, token=token) as client:
    project = get_project.sync(guid, client=client)
    page = list_deployments.sync(guid, client=client, per_page=10)
    if not isinstance(page, PageDeployment):
        sys.exit(f"expected a page of deployments, got {page!r}")
    ids = [str(item.id) for item in page.items]
    if expected not in ids:
        sys.exit(f"deployment {expected} not in {ids}")
    print(f"{project.name}: {page.total} deployment(s); newest {page.items[0].state.value} {page.items[0].build_number}")
