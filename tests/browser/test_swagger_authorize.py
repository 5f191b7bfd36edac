"""Issue 17: Swagger UI's "Authorize" works, in a real browser through the gateway: the OAuth2 password
flow the schema declares (shared/auth/schema.py) logs in at user_svc's login with the OAuth2 form, and
"Try it out" then calls the API with the token it got."""

from shared.testing.gateway import PASSWORD, Client, new_email


def test_authorize_with_the_password_flow_then_try_it_out(open_browser, gateway_url):
    # given: a customer, and user_svc's API docs
    email = new_email("swagger")
    assert Client(gateway_url, email).register().status == 201
    person = open_browser()
    page = person.page
    page.goto("/user/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)

    # when: "Authorize", the oauth2 (password) scheme, with the email and password
    page.click("button.authorize")
    scheme = page.locator(".auth-container", has_text="oauth2")
    scheme.locator("#oauth_username").fill(email)
    scheme.locator("#oauth_password").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/api/v1/auth/login/")) as login:
        scheme.locator("button.authorize").click()
    scheme.locator("h6", has_text="Authorized").wait_for()  # Swagger UI holds a token now
    scheme.locator("button.btn-done").click()  # close the dialog

    # and: "Try it out" on GET /api/v1/users/me/
    operation = page.locator("#operations-v1-v1_users_me_retrieve")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/users/me/")) as me:
        operation.locator("button.execute").click()

    # then: the token came from the OAuth2 form, and the API accepted it
    assert login.value.status == 200
    assert login.value.request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert login.value.json()["token_type"] == "bearer"
    assert me.value.status == 200, me.value.text()
    assert me.value.request.headers["authorization"] == f"Bearer {login.value.json()['access_token']}"
    assert me.value.json()["email"] == email
    operation.locator(".live-responses-table .response-col_status", has_text="200").first.wait_for()
