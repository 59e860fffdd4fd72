// The console's only way to the server: its public HTTP API, with the signed-in user's token.

const tokenKey = "nacos.console.accessToken";
const userKey = "nacos.console.username";

/** A failed API call, with a message a person can read. */
export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

/** The signed-in user, kept in this tab's session storage (never in a URL or local storage). */
export const session = {
  get token() { return sessionStorage.getItem(tokenKey); },
  get username() { return sessionStorage.getItem(userKey); },
  save(login) {
    sessionStorage.setItem(tokenKey, login.accessToken);
    sessionStorage.setItem(userKey, login.username);
  },
  clear() {
    sessionStorage.removeItem(tokenKey);
    sessionStorage.removeItem(userKey);
  },
};

// The refusals that mean "sign in again", as Nacos words them; "authorization failed!" means no right.
const signInAgain = ["user not found!", "token expired!", "token invalid!"];

/** Calls `method path` with `parameters` (query for GET and DELETE, a form body otherwise). */
export async function call(method, path, parameters = {}) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null) form.append(name, String(value));
  }
  const bodyless = method === "GET" || method === "DELETE";
  const url = bodyless && [...form].length ? `${path}?${form}` : path;
  const headers = { Accept: "application/json" };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: bodyless ? undefined : form, credentials: "same-origin", cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, `The server did not answer ${method} ${path}: ${error.message}`, path);
  }
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : null; } catch { json = undefined; }
  if (!response.ok) {
    const said = (json && typeof json === "object" && (json.message || json.data)) || text || response.statusText;
    if ((response.status === 403 || response.status === 401) && headers.Authorization) {
      if (signInAgain.some((refusal) => String(said).includes(refusal))) {
        session.clear();
        window.dispatchEvent(new CustomEvent("nacos:sign-in"));
      }
    }
    throw new ApiError(response.status, `${method} ${path} failed (${response.status}): ${said}`, path);
  }
  // The v2 envelope: {code, message, data}; a non-zero code is a failure even with 200.
  if (json && typeof json === "object" && !Array.isArray(json) && "code" in json && "data" in json && path.includes("/v2/")) {
    if (json.code !== 0) throw new ApiError(response.status, `${method} ${path} failed: ${json.message}`, path);
    return json.data;
  }
  return json === undefined ? text : json;
}

/** A GET of `path`. */
export const get = (path, parameters) => call("GET", path, parameters);
