// Permissions (auth on): (role, resource, action) grants; add and delete (/nacos/v1/auth/permissions).

import { authList } from "./auth-list.js";

/** The permission list. */
export function create(root, params, app) {
  return authList(root, app, {
    title: "Permissions", test: "permission", path: "/nacos/v1/auth/permissions", addLabel: "Grant a permission",
    columns: ["Role", "Resource", "Action"],
    fields: [
      { name: "role", label: "Role" },
      { name: "resource", label: "Resource (namespace:group:naming/service)" },
      { name: "action", label: "Action", options: ["r", "w", "rw"] },
    ],
    cells: (permission) => [permission.role, permission.resource, permission.action],
    describe: (permission) => `${permission.action} on ${permission.resource} for ${permission.role}`,
    remove: (permission) => ({ role: permission.role, resource: permission.resource, action: permission.action }),
  });
}
