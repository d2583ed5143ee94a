// Lists a project's deployments with a personal access token through a client typed by
// openapi-typescript from openapi/portico.json (openapi-fetch makes the calls).
//
// usage: node deployments.js BASE_URL TOKEN PROJECT_GUID EXPECTED_DEPLOYMENT_ID
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/portico.js";

type Deployment = components["schemas"]["Deployment"];

async function main(): Promise<void> {
  const [baseUrl, token, guid, expected] = process.argv.slice(2);
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const project = await client.GET("/api/v1/projects/{guid}", { params: { path: { guid } } });
  if (!project.data) throw new Error(`project: ${JSON.stringify(project.error)}`);
  const { data, error } = await client.GET("/api/v1/projects/{guid}/deployments", {
    params: { path: { guid }, query: { per_page: 10 } },
  });
  if (!data) throw new Error(`deployments: ${JSON.stringify(error)}`);
  const ids = data.items.map((item: Deployment) => item.id);
  if (!ids.includes(expected)) throw new Error(`deployment ${expected} not in ${ids.join(", ")}`);
  const newest: Deployment = data.items[0];
  console.log(`${project.data.name}: ${data.total} deployment(s); newest ${newest.state} ${newest.build_number ?? ""}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
