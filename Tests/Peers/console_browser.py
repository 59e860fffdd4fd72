#!/usr/bin/env python3
"""The web console in headless Chromium (Debian's chromium + chromium-driver, driven by selenium), against a
real nacos-server; nacos-sdk-python 2.0.11 plays the applications whose services the console shows.

Usage:
    python console_browser.py --server 127.0.0.1:<httpPort> [--username U --password P]
                              [--screenshots DIR] [--timeout S] <scenario> [scenario options]

Scenarios:
    pages        every page loads without an error banner or a browser-console error; screenshots of each
    live         a service registered through the SDK appears in the open service list; reports the delay
    edit         a weight edited in the console is pushed to an SDK subscriber; offline/online in the console
                 removes the instance from, and returns it to, what consumers get
    xss          metadata `<img src=x onerror=alert(1)>` renders as text on the service page
    namespaces   create a namespace in the console, see it listed, delete it
    login        (auth on) the console asks for a login, a wrong password shows an error, the right one works
    admin        (auth on) a user, a role and a permission made in the console reach the auth API; deleted again
    cluster      (--members A,B,C --kill-pid PID --kill-member M) three members UP, then M DOWN after kill -9
    big          (--services N) the service list's load time with N services registered; reported, not asserted

Every check prints one JSON line {"check": name, "ok": bool, ...}; the last is the summary. Exit status 0
when every check passed, 1 otherwise. The browser and its driver are always quit, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
import urllib.request

for _proxy_variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "grpc_proxy", "all_proxy", "ALL_PROXY"):
    os.environ.pop(_proxy_variable, None)
os.environ["NO_PROXY"] = "*"

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from v2.nacos import (ClientConfigBuilder, NacosNamingService,  # noqa: E402
                      RegisterInstanceParam, SubscribeServiceParam)
from v2.nacos.utils.net_util import NetUtils  # noqa: E402

RESULTS: list = []
CHROMIUM = os.environ.get("NACOS_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NACOS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")


def check(name: str, ok: bool, **details) -> bool:
    RESULTS.append(bool(ok))
    print(json.dumps({"check": name, "ok": bool(ok), **details}, default=str), flush=True)
    return ok


def report(name: str, **details) -> None:
    """A measurement, not a check."""
    print(json.dumps({"measure": name, **details}, default=str), flush=True)


# MARK: - The browser

class Console:
    """One headless Chromium on the console of `base` (http://host:port), with waits and screenshots."""

    def __init__(self, base: str, screenshots: str | None):
        for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
            if not os.access(path, os.X_OK):
                raise SystemExit(f"{path} is missing: install Debian's {package} (apt-get install chromium chromium-driver; .ci/run does it)")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        self.profile = tempfile.mkdtemp(prefix="nacos-console-chromium-")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", f"--user-data-dir={self.profile}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # Its own session: the driver and the browser it starts are killed together at the end.
        self.service = Service(CHROMEDRIVER, popen_kw={"start_new_session": True})
        self.driver = webdriver.Chrome(service=self.service, options=options)
        self.driver.set_page_load_timeout(30)
        self.base = base
        self.screenshots = screenshots

    def quit(self) -> None:
        process = getattr(self.service, "process", None)
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001
            pass
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, route: str) -> None:
        self.driver.get(f"{self.base}/nacos/#{route}")

    def go(self, route: str) -> None:
        """Changes the hash route without reloading the page."""
        self.driver.execute_script("window.location.hash = arguments[0]", route)

    def wait(self, what: str, predicate, seconds: float = 20.0, interval: float = 0.05):
        deadline = time.monotonic() + seconds
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except WebDriverException as error:
                last_error = error
            time.sleep(interval)
        raise TimeoutError(f"no {what} within {seconds} s" + (f" (last error: {last_error.msg})" if last_error else ""))

    def css(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def loaded(self, page: str, seconds: float = 20.0):
        return self.wait(f"page {page} loaded", lambda: self.css(f'[data-test="page-{page}"][data-loaded="true"]'), seconds)

    def error_text(self) -> str:
        return " ".join(e.text for e in self.css('[data-test="error"]') if e.is_displayed() and e.text.strip())

    def browser_errors(self) -> list:
        return [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]

    def shoot(self, name: str) -> None:
        if self.screenshots:
            os.makedirs(self.screenshots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.screenshots, f"{name}.png"))

    def fill(self, selector: str, text: str, within=None) -> None:
        field = (within or self.driver).find_element(By.CSS_SELECTOR, selector)
        field.clear()
        field.send_keys(text)

    def click(self, selector: str, within=None) -> None:
        (within or self.driver).find_element(By.CSS_SELECTOR, selector).click()

    def in_row(self, test: str, attribute: str, value: str, action, seconds: float = 20.0):
        """Finds the `test` row whose `attribute` is `value` and runs `action(row)` on it; a row that a refresh
        replaced meanwhile (a stale element) is found again and the action retried."""
        def attempt():
            found = row(self, test, attribute, value)
            return found is not None and (action(found) or True)
        return self.wait(f"{test} {value}", attempt, seconds)

    def accept_confirm(self) -> None:
        """Accepts a confirm() dialog if the page opened one."""
        try:
            self.driver.switch_to.alert.accept()
        except NoAlertPresentException:
            pass

    def login(self, username: str, password: str) -> None:
        self.wait("the login form", lambda: self.css('[data-test="login-username"]'))
        self.fill('[data-test="login-username"]', username)
        self.fill('[data-test="login-password"]', password)
        self.click('[data-test="login-submit"]')


def row(console: Console, test: str, attribute: str, value: str):
    found = console.css(f'[data-test="{test}"][{attribute}="{value}"]')
    return found[0] if found else None


# MARK: - The SDK and the HTTP API

class Api:
    """Plain HTTP calls to the server's Open API, with the administrator's token when auth is on."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token

    def call(self, method: str, path: str, **parameters):
        data = urllib.parse.urlencode(parameters).encode()
        url = f"{self.base}{path}"
        if method == "GET":
            url += "?" + data.decode()
            data = None
        request = urllib.request.Request(url, data=data, method=method)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read().decode()
        try:
            return json.loads(body)
        except ValueError:
            return body


async def bounded(awaitable, seconds: float = 15.0):
    return await asyncio.wait_for(awaitable, seconds)


async def make_sdk(args, namespace: str = "", server: str | None = None):
    workdir = tempfile.mkdtemp(prefix="nacos-console-sdk-")
    builder = (ClientConfigBuilder()
               .server_address(server or args.server)
               .namespace_id(namespace)
               .log_dir(os.path.join(workdir, "logs"))
               .cache_dir(os.path.join(workdir, "cache"))
               .log_level(logging.INFO)
               .load_cache_at_start(False))
    if args.username:
        builder = builder.username(args.username).password(args.password)
    config = builder.build()
    config.set_update_cache_when_empty(True)
    return await bounded(NacosNamingService.create_naming_service(config))


async def register(naming, service: str, port: int, weight: float = 1.0, metadata: dict | None = None):
    return await bounded(naming.register_instance(RegisterInstanceParam(
        service_name=service, ip="127.0.0.1", port=port, weight=weight, ephemeral=True, metadata=metadata or {})))


async def close_sdk(naming) -> None:
    try:
        await asyncio.wait_for(naming.shutdown(), 3)
    except Exception:  # noqa: BLE001 - 2.0.11's shutdown awaits a non-coroutine
        pass


async def wait_async(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def in_thread(function, *arguments):
    """Runs a blocking browser step off the event loop, so that the SDK's pushes keep arriving."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *arguments)


# MARK: - Scenarios

PAGES = ["overview", "services", "namespaces", "cluster", "connections"]


async def scenario_pages(args, console: Console, api: "Api | None" = None) -> None:
    naming = await make_sdk(args)
    await register(naming, "console-pages", 7301, metadata={"version": "1.0", "zone": "a"})
    auth_pages = ["users", "roles", "permissions"] if args.username else []

    def visit():
        console.open("/overview")
        if args.username:
            console.login(args.username, args.password)
        for page in PAGES + auth_pages:
            console.go(f"/{page}")
            console.loaded(page)
            if page == "services":
                console.wait("the registered service", lambda: row(console, "service-row", "data-service", "DEFAULT_GROUP@@console-pages"))
            console.shoot(page)
            check(f"page.{page}.no-error-banner", console.error_text() == "", banner=console.error_text())
        console.go("/service?namespace=public&group=DEFAULT_GROUP&name=console-pages")
        console.loaded("service")
        console.wait("the instance row", lambda: row(console, "instance-row", "data-address", "127.0.0.1:7301"))
        console.shoot("service")
        check("page.service.no-error-banner", console.error_text() == "", banner=console.error_text())
        errors = console.browser_errors()
        check("browser-console.no-errors", not errors, errors=errors[:5])

    def reset_connection():
        console.go("/connections")
        console.loaded("connections")
        connection = console.wait("the SDK's connection",
                                  lambda: [e.get_attribute("data-connection") for e in console.css('[data-test="connection-row"]')])[0]
        console.fill('[data-test="connection-filter"]', connection)
        console.wait("the filter to keep one row", lambda: len(console.css('[data-test="connection-row"]')) == 1)
        console.in_row("connection-row", "data-connection", connection, lambda entry: console.click('[data-test="connection-reset"]', within=entry))
        console.accept_confirm()
        console.fill('[data-test="connection-filter"]', "")
        return connection

    def resets() -> int:
        text = api.call("GET", "/metrics")
        found = [line for line in str(text).splitlines() if line.startswith("nacos_connections_reset_total ")]
        return int(float(found[0].split()[-1])) if found else -1

    await in_thread(visit)
    if api is not None:
        before = resets()
        connection = await in_thread(reset_connection)
        # The server sends the SDK a ConnectResetRequest. (nacos-sdk-python 2.0.11 cannot act on it: its handler
        # enters an asyncio.Lock with a plain `with` and fails, so whether the SDK reconnects is not checked here.)
        check("connections.reset-sent", await wait_async(lambda: resets() == before + 1, 20), connection=connection, before=before, after=resets())
        check("connections.no-error-banner", console.error_text() == "", banner=console.error_text())
    await close_sdk(naming)


async def scenario_live(args, console: Console) -> None:
    await in_thread(lambda: (console.open("/services"), console.loaded("services")))
    naming = await make_sdk(args)
    started = time.monotonic()
    await register(naming, "console-live", 7311)
    registered = time.monotonic()

    def appears():
        console.wait("the new service in the list", lambda: row(console, "service-row", "data-service", "DEFAULT_GROUP@@console-live"), seconds=20)
        return time.monotonic()

    shown = await in_thread(appears)
    delay = shown - registered
    report("live.service-appears", seconds=round(delay, 3), registration_seconds=round(registered - started, 3))
    # The page refreshes every second: 2 s is the aim; the check allows a loaded machine's slack.
    check("live.service-appears-without-reload", delay < 10, seconds=round(delay, 3), aim=2.0)
    await close_sdk(naming)


async def scenario_edit(args, console: Console) -> None:
    provider = await make_sdk(args)
    consumer = await make_sdk(args)
    service = "console-edit"
    pushes: list = []

    metadata_pushes: list = []

    async def on_push(instances):
        pushes.append({f"{i.ip}:{i.port}": (i.weight, i.enabled) for i in instances})
        metadata_pushes.append({f"{i.ip}:{i.port}": dict(i.metadata or {}) for i in instances})

    await register(provider, service, 7321, weight=1.0)
    await bounded(consumer.subscribe(SubscribeServiceParam(service_name=service, subscribe_callback=on_push)))
    address = "127.0.0.1:7321"
    check("edit.first-push", await wait_async(lambda: any(address in p for p in pushes), 20), pushes=pushes[-2:])

    def set_weight():
        console.open(f"/service?namespace=public&group=DEFAULT_GROUP&name={service}")
        console.loaded("service")
        def save(instance):
            console.fill('[data-test="instance-weight"]', "3.5", within=instance)
            console.click('[data-test="instance-save"]', within=instance)

        console.in_row("instance-row", "data-address", address, save)
        console.wait("the consumer among the subscribers", lambda: console.css('[data-test="subscriber-row"]'))
        console.shoot("service-edit")
        return [e.text for e in console.css('[data-test="subscriber-row"]')]

    subscribers = await in_thread(set_weight)
    check("edit.subscriber-listed", len(subscribers) >= 1, subscribers=subscribers)
    check("edit.weight-pushed", await wait_async(lambda: any(p.get(address, (0, 0))[0] == 3.5 for p in pushes), 20), pushes=pushes[-2:])

    def edit_metadata():
        def edit(instance):
            console.click('[data-test="instance-metadata-edit"]', within=instance)
            console.fill('[data-test="instance-metadata-editor"]', '{"zone": "b", "owner": "console"}', within=instance)
            console.click('[data-test="instance-metadata-save"]', within=instance)

        console.in_row("instance-row", "data-address", address, edit)

    await in_thread(edit_metadata)
    check("edit.metadata-pushed", await wait_async(lambda: any(m.get(address) == {"zone": "b", "owner": "console"} for m in metadata_pushes), 20),
          pushes=metadata_pushes[-2:])

    def offline():
        console.in_row("instance-row", "data-address", address, lambda instance: console.click('[data-test="instance-offline"]', within=instance))
        console.accept_confirm()

    await in_thread(offline)
    # A disabled instance is not served to consumers.
    check("edit.offline-pushed", await wait_async(lambda: bool(pushes) and address not in pushes[-1], 20), pushes=pushes[-2:])
    listed = await bounded(consumer.grpc_client_proxy.query_instance_of_service(service, "DEFAULT_GROUP", "", False))
    served = [f"{h.ip}:{h.port}" for h in (listed.hosts or []) if h.enabled]
    check("edit.offline-not-served", address not in served, served=served)

    def online():
        # Retried until the row has turned into an offline one with its online button.
        console.in_row("instance-row", "data-address", address, lambda instance: console.click('[data-test="instance-online"]', within=instance))
        console.accept_confirm()

    await in_thread(online)
    check("edit.online-pushed", await wait_async(lambda: bool(pushes) and address in pushes[-1], 20), pushes=pushes[-2:])
    check("edit.no-error-banner", console.error_text() == "", banner=console.error_text())
    for naming in (provider, consumer):
        await close_sdk(naming)


async def scenario_xss(args, console: Console) -> None:
    payload = "<img src=x onerror=alert(1)>"
    naming = await make_sdk(args)
    await register(naming, "console-xss", 7331, metadata={"note": payload})

    def look():
        console.open("/service?namespace=public&group=DEFAULT_GROUP&name=console-xss")
        console.loaded("service")
        text = console.wait("the instance's metadata", lambda: " ".join(
            cell.text for cell in row(console, "instance-row", "data-address", "127.0.0.1:7331").find_elements(By.CSS_SELECTOR, '[data-test="instance-metadata"]')))
        check("xss.metadata-rendered-as-text", payload in text, text=text)
        images = console.css('[data-test="page-service"] img')
        check("xss.no-image-element", not images, count=len(images))
        console.shoot("service-xss")
        try:
            alert = console.driver.switch_to.alert
            check("xss.no-alert", False, alert=alert.text)
        except NoAlertPresentException:
            check("xss.no-alert", True)
        console.go("/services")
        console.loaded("services")
        console.shoot("services-xss")

    await in_thread(look)
    await close_sdk(naming)


async def scenario_namespaces(args, console: Console, api: Api) -> None:
    namespace = "console-ns"

    def create():
        console.open("/namespaces")
        console.loaded("namespaces")
        console.fill('[data-test="namespace-id"]', namespace)
        console.fill('[data-test="namespace-name"]', "Console namespace")
        console.fill('[data-test="namespace-description"]', "made in the browser")
        console.click('[data-test="namespace-create"]')
        console.wait("the new namespace row", lambda: row(console, "namespace-row", "data-namespace", namespace))
        console.shoot("namespaces")

    await in_thread(create)
    listed = api.call("GET", "/nacos/v1/console/namespaces")
    ids = [n.get("namespace") for n in listed.get("data", [])] if isinstance(listed, dict) else []
    check("namespaces.created", namespace in ids, ids=ids)

    def edit():
        console.in_row("namespace-row", "data-namespace", namespace, lambda entry: console.click('[data-test="namespace-edit"]', within=entry))
        console.fill('[data-test="namespace-name"]', "Renamed in the browser")
        console.click('[data-test="namespace-save"]')
        console.wait("the new name in the list", lambda: "Renamed in the browser" in
                     (row(console, "namespace-row", "data-namespace", namespace) or console.driver.find_element(By.TAG_NAME, "body")).text)

    await in_thread(edit)
    listed = api.call("GET", "/nacos/v1/console/namespaces")
    names = {n.get("namespace"): n.get("namespaceShowName") for n in listed.get("data", [])} if isinstance(listed, dict) else {}
    check("namespaces.renamed", names.get(namespace) == "Renamed in the browser", names=names)

    def delete():
        console.in_row("namespace-row", "data-namespace", namespace, lambda entry: console.click('[data-test="namespace-delete"]', within=entry))
        console.accept_confirm()
        console.wait("the row to go", lambda: row(console, "namespace-row", "data-namespace", namespace) is None)

    await in_thread(delete)
    listed = api.call("GET", "/nacos/v1/console/namespaces")
    ids = [n.get("namespace") for n in listed.get("data", [])] if isinstance(listed, dict) else []
    check("namespaces.deleted", namespace not in ids, ids=ids)
    check("namespaces.no-error-banner", console.error_text() == "", banner=console.error_text())


async def scenario_login(args, console: Console) -> None:
    def attempt():
        console.open("/services")
        console.wait("the login form", lambda: console.css('[data-test="login-username"]'))
        check("login.required", not console.css('[data-test="page-services"][data-loaded="true"]'))
        console.shoot("login")
        console.login(args.username, "not-the-password")
        error = console.wait("the login error", lambda: " ".join(e.text for e in console.css('[data-test="login-error"]') if e.text.strip()))
        check("login.wrong-password-shows-an-error", bool(error), error=error)
        console.shoot("login-error")
        console.login(args.username, args.password)
        console.wait("a page after login", lambda: console.css('[data-loaded="true"]'))
        stored = console.driver.execute_script("return JSON.stringify(Object.assign({}, sessionStorage))")
        check("login.token-not-in-url", "ey" not in console.driver.current_url.split("#")[-1] and "accessToken" not in console.driver.current_url,
              url=console.driver.current_url)
        check("login.token-in-session-storage-only", "ey" in stored and console.driver.execute_script("return localStorage.length") == 0)
        errors = [e for e in console.browser_errors() if "403" not in e.get("message", "")]
        check("login.no-browser-errors", not errors, errors=errors[:5])

    await in_thread(attempt)


async def scenario_admin(args, console: Console, api: Api) -> None:
    """(auth on) a user, a role binding and a permission made in the console reach the auth API, then go."""
    user, role, resource = "console-user", "ROLE_CONSOLE", "public:DEFAULT_GROUP:*"
    made = [("users", "user", {"username": user, "password": "console-password"}, user),
            ("roles", "role", {"role": role, "username": user}, f"{role} of {user}"),
            ("permissions", "permission", {"role": role, "resource": resource}, f"rw on {resource} for {role}")]

    def create():
        for page, test, fields, key in made:
            console.go(f"/{page}")
            console.loaded(page)
            for name, value in fields.items():
                console.fill(f'[data-test="{test}-{name}"]', value)
            if test == "permission":
                console.driver.execute_script('document.querySelector(\'[data-test="permission-action"]\').value = "rw"')
            console.click(f'[data-test="{test}-create"]')
            console.wait(f"the new {test} row", lambda: row(console, f"{test}-row", "data-key", key))
            console.shoot(f"{page}-created")

    await in_thread(create)
    users = [u.get("username") for u in api.call("GET", "/nacos/v1/auth/users", pageNo=1, pageSize=100).get("pageItems", [])]
    roles = [(r.get("role"), r.get("username")) for r in api.call("GET", "/nacos/v1/auth/roles", pageNo=1, pageSize=100).get("pageItems", [])]
    grants = [(p.get("role"), p.get("resource"), p.get("action")) for p in api.call("GET", "/nacos/v1/auth/permissions", pageNo=1, pageSize=100).get("pageItems", [])]
    check("admin.user-created", user in users, users=users)
    check("admin.role-bound", (role, user) in roles, roles=roles)
    check("admin.permission-granted", (role, resource, "rw") in grants, permissions=grants)
    login = api.call("POST", "/nacos/v1/auth/users/login", username=user, password="console-password")
    check("admin.new-user-logs-in", isinstance(login, dict) and bool(login.get("accessToken")), answer=login)

    def delete():
        for page, test, _, key in reversed(made):
            console.go(f"/{page}")
            console.loaded(page)
            console.in_row(f"{test}-row", "data-key", key, lambda entry: console.click(f'[data-test="{test}-delete"]', within=entry))
            console.accept_confirm()
            console.wait(f"the {test} row to go", lambda: row(console, f"{test}-row", "data-key", key) is None)

    await in_thread(delete)
    users = [u.get("username") for u in api.call("GET", "/nacos/v1/auth/users", pageNo=1, pageSize=100).get("pageItems", [])]
    check("admin.user-deleted", user not in users, users=users)
    check("admin.no-error-banner", console.error_text() == "", banner=console.error_text())


async def scenario_cluster(args, console: Console) -> None:
    members = args.members.split(",")

    def column(test: str) -> dict:
        """The text of each member row's `test` cell, by member address."""
        found = {}
        for entry in console.css('[data-test="member-row"]'):
            cells = entry.find_elements(By.CSS_SELECTOR, f'[data-test="{test}"]')
            found[entry.get_attribute("data-address")] = cells[0].text.strip() if cells else ""
        return found

    def states():
        return column("member-state")

    def sdk_connections():
        return column("member-sdk-connections")

    # Applications on the first two members, so that the page has connections to show.
    clients = [await make_sdk(args, server=member) for member in (members[0], members[0], members[1])]
    want = {members[0]: "2", members[1]: "1"}

    def before():
        console.open("/cluster")
        console.loaded("cluster")
        console.wait("three UP members", lambda: all(states().get(m) == "UP" for m in members) and len(states()) == 3, seconds=30)
        console.wait("the SDK connections of every member", lambda: all(sdk_connections().get(m) == n for m, n in want.items()), seconds=30)
        console.shoot("cluster")
        # Read through wait(): a refresh between finding a row and reading it is retried.
        return console.wait("the member states", states), console.wait("the SDK connections", sdk_connections)

    def rebalance():
        console.fill('[data-test="rebalance-factor"]', "0.5")
        console.click('[data-test="rebalance"]')
        return console.wait("the rebalance answer", lambda: " ".join(e.text for e in console.css('[data-test="rebalance-result"]') if e.text.strip()))

    def responsible():
        console.fill('[data-test="distro-ip"]', "10.1.2.3")
        console.fill('[data-test="distro-port"]', "8080")
        console.click('[data-test="distro-lookup"]')
        return console.wait("the responsible member", lambda: " ".join(e.text for e in console.css('[data-test="distro-responsible"]') if e.text.strip()))

    seen_states, seen_connections = await in_thread(before)
    owner = await in_thread(responsible)
    check("cluster.distro-responsible-is-a-member", owner in members, responsible=owner, members=members)
    answer = await in_thread(rebalance)
    check("cluster.rebalance-answered", "sent" in answer and console.error_text() == "", answer=answer, banner=console.error_text())
    check("cluster.three-up", True, states=seen_states)
    check("cluster.sdk-connections-per-member", True, connections=seen_connections)
    os.kill(args.kill_pid, signal.SIGKILL)

    def after():
        console.wait(f"{args.kill_member} DOWN", lambda: states().get(args.kill_member) == "DOWN", seconds=60)
        console.shoot("cluster-down")
        return console.wait("the member states", states)

    seen = await in_thread(after)
    check("cluster.killed-member-down", seen.get(args.kill_member) == "DOWN"
          and all(seen.get(m) == "UP" for m in members if m != args.kill_member), states=seen)
    for naming in clients:
        await close_sdk(naming)


async def scenario_big(args, console: Console) -> None:
    def measure():
        timings = []
        for _ in range(3):
            console.driver.get("about:blank")
            started = time.monotonic()
            console.open("/services")
            console.loaded("services", seconds=60)
            console.wait("service rows", lambda: console.css('[data-test="service-row"]'), seconds=60)
            timings.append(time.monotonic() - started)
        console.shoot("services-10k")
        total = console.driver.execute_script(
            "const e = document.querySelector('[data-test=\"service-count\"]'); return e ? e.textContent : ''")
        return timings, total

    timings, total = await in_thread(measure)
    report("big.services-page-load", services=args.services, seconds=[round(t, 3) for t in timings], best=round(min(timings), 3))
    check("big.services-page-loads", bool(timings) and total.startswith(f"{args.services} "), total=total)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="host:httpPort")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--screenshots")
    parser.add_argument("--timeout", type=float, default=150.0)
    parser.add_argument("--members", default="")
    parser.add_argument("--kill-pid", type=int, default=0)
    parser.add_argument("--kill-member", default="")
    parser.add_argument("--services", type=int, default=0)
    parser.add_argument("scenario", choices=["pages", "live", "edit", "xss", "namespaces", "login", "admin", "cluster", "big"])
    args = parser.parse_args()
    try:
        NetUtils.get_local_ip()
    except Exception:  # noqa: BLE001
        NetUtils.get_local_ip = staticmethod(lambda: "127.0.0.1")
    base = f"http://{args.server}"
    api = Api(base)
    if args.username and args.scenario != "login":
        api.token = api.call("POST", "/nacos/v1/auth/users/login", username=args.username, password=args.password)["accessToken"]
    console = None
    try:
        console = await in_thread(Console, base, args.screenshots)
        scenarios = {
            "pages": lambda: scenario_pages(args, console, api),
            "live": lambda: scenario_live(args, console),
            "edit": lambda: scenario_edit(args, console),
            "xss": lambda: scenario_xss(args, console),
            "namespaces": lambda: scenario_namespaces(args, console, api),
            "login": lambda: scenario_login(args, console),
            "admin": lambda: scenario_admin(args, console, api),
            "cluster": lambda: scenario_cluster(args, console),
            "big": lambda: scenario_big(args, console),
        }
        if args.username and args.scenario not in ("login", "pages"):
            await in_thread(lambda: (console.open("/services"), console.login(args.username, args.password)))
        await asyncio.wait_for(scenarios[args.scenario](), args.timeout)
    except Exception as error:  # noqa: BLE001
        check("scenario", False, error=f"{type(error).__name__}: {error}", banner=console.error_text() if console else "")
        if console:
            console.shoot(f"failure-{args.scenario}")
    finally:
        if console:
            console.quit()
    passed = bool(RESULTS) and all(RESULTS)
    print(json.dumps({"check": "summary", "ok": passed, "checks": len(RESULTS)}), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
