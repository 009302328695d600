"""Registration, login, lockout, admin TOTP and role access, clicked through in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.users.tests.factories import PASSWORD, user_make

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _register(page, snap, emailed_code, *, role: str, email: str, name: str, details: dict, shots: bool):
    """Register from the landing page, in the registration modal, through to the dashboard."""
    page.goto("/")
    if shots:
        snap(page, "landing")
    page.locator(".site-nav").get_by_role("link", name="Join as a learner or mentor").click()
    modal = page.locator("dialog[open]")
    expect(modal.get_by_text("Step 1 of 4")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    if shots:
        snap(page, "signup-1-role")

    # Step 1: continuing without a role is refused in the browser.
    modal.get_by_role("button", name="Continue").click()
    expect(modal.get_by_text("Step 1 of 4")).to_be_visible()
    modal.get_by_text("I want to learn" if role == "learner" else "I want to mentor").click()
    modal.get_by_role("button", name="Continue").click()

    # Step 2: account.
    expect(modal.get_by_text("Step 2 of 4")).to_be_visible()
    modal.get_by_label("Email").fill(email)
    modal.get_by_label("Password").fill(NEW_PASSWORD)
    modal.get_by_label("Name").fill(name)
    if shots:
        snap(page, "signup-2-account")
    modal.get_by_role("button", name="Continue").click()

    # Step 3: role details; only the chosen role's fields show.
    expect(modal.get_by_text("Step 3 of 4")).to_be_visible()
    other = "#id_skills" if role == "learner" else "#id_interests"
    expect(modal.locator(other)).to_be_hidden()
    for label, value in details.items():
        modal.get_by_label(label).fill(value)
    if shots:
        snap(page, f"signup-3-{role}")
    modal.get_by_role("button", name="Create account").click()

    # Step 4: the code we emailed, still in the modal.
    expect(modal.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(modal.get_by_text("Step 4 of 4")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    if shots:
        snap(page, "signup-4-code")
    modal.get_by_label("Code").fill("WRONG1")
    modal.get_by_role("button", name="Confirm").click()
    expect(modal.get_by_role("alert").or_(modal.locator(".field__error")).first).to_contain_text("Invalid code")
    modal.get_by_label("Code").fill(emailed_code(email))
    modal.get_by_role("button", name="Confirm").click()


def test_learner_registers_and_lands_on_their_dashboard(page, snap, emailed_code):
    _register(
        page,
        snap,
        emailed_code,
        role="learner",
        email="asha.new@example.com",
        name="Asha Verma",
        details={"Interests": "Python, Data Science", "Career goals": "Data analyst"},
        shots=True,
    )
    expect(page).to_have_url(re.compile(r"/dashboard/learner/$"))
    # The first visit opens the welcome tour: its steps by keyboard, Escape closes it for good.
    tour = page.get_by_role("dialog", name="Welcome to PeerLearn, Asha")
    expect(tour).to_be_visible()
    expect(tour.get_by_text("Step 1 of 5")).to_be_visible()
    snap(page, "welcome-tour-learner")
    tour.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Find a session")).to_be_visible()
    expect(page.locator('.tour-target[data-section="browse"]')).to_have_count(1)  # it points at Browse
    page.keyboard.press("Escape")
    expect(page.locator("dialog[data-tour]")).not_to_be_visible()
    expect(page.locator(".tour-target")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.locator("dialog[data-tour]")).to_have_count(0)  # remembered: never again
    expect(page.get_by_role("heading", level=1)).to_contain_text("Asha Verma")
    expect(page.get_by_text("No session booked yet")).to_be_visible()
    expect(page.locator(".tag", has_text="Data Science")).to_be_visible()
    snap(page, "dashboard-learner")


def test_mentor_registers_and_sees_the_approval_banner(page, snap, emailed_code):
    _register(
        page,
        snap,
        emailed_code,
        role="mentor",
        email="meera.new@example.com",
        name="Meera Iyer",
        details={"Domains": "Programming", "Skills": "Python, Django", "Bio": "Backend engineer, 8 years."},
        shots=True,
    )
    expect(page).to_have_url(re.compile(r"/dashboard/mentor/$"))
    tour = page.get_by_role("dialog", name="Welcome to PeerLearn, Meera")
    expect(tour).to_be_visible()
    for _ in range(4):  # to the last step by keyboard: Tab to Next, Enter
        page.get_by_role("button", name=re.compile("^Next")).focus()
        page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Get paid")).to_be_visible()
    snap(page, "welcome-tour-mentor")
    page.get_by_role("button", name=re.compile("^Done")).click()
    expect(page.locator("dialog[data-tour]")).not_to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meera Iyer")
    expect(page.get_by_text("Your profile is waiting for approval by our team.")).to_be_visible()
    expect(page.get_by_text("No upcoming sessions")).to_be_visible()
    snap(page, "dashboard-mentor")


def test_email_typo_is_suggested_and_fixed_only_on_click(page):
    page.goto("/accounts/signup/?role=mentor")
    expect(page.get_by_role("radio", name=re.compile("I want to mentor"))).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    email = page.get_by_label("Email")
    email.fill("someone@gmial.com")
    page.get_by_label("Name").focus()  # blur asks the server for suggestions
    suggestion = page.locator(".suggestion", has_text=re.compile(r"Did you mean .*gmail\.com\?"))
    expect(suggestion).to_be_visible()
    expect(email).to_have_value("someone@gmial.com")  # nothing changes until the click
    expect(page.locator("#id_suggestions_seen")).to_have_value("1")
    suggestion.get_by_role("button", name="Use it").click()
    expect(email).to_have_value("someone@gmail.com")
    expect(suggestion).to_have_count(0)


def test_five_failed_logins_lock_the_account(page, snap):
    user = user_make(email="ravi@example.com", name="Ravi Kumar", role="learner")
    page.goto("/accounts/login/")
    snap(page, "login")
    for attempt in range(5):
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(f"wrong-password-{attempt}")
        page.get_by_role("button", name="Log in").click()
        if attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text("Invalid credentials")
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    expect(page.get_by_text("too many failed login attempts")).to_be_visible()
    snap(page, "lockout")

    # The right password does not get in either while the lock lasts.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Account locked")).to_be_visible()
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_staff_logs_into_admin_with_a_totp_code(page):
    """One submit of email, password and code; a wrong code never puts the password back."""
    from django_otp.oath import TOTP

    from core.users import services

    user, device = services.staff_user_create(email="sara@example.com", name="Sara Staff", password=PASSWORD)
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    page.goto("/admin/")
    expect(page.locator("select#id_otp_device")).to_have_count(0)
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_otp_token").fill(f"{(totp.token() + 500_000) % 1_000_000:06d}")
    page.locator("input[type=submit]").click()
    expect(page.locator(".errornote").first).to_be_visible()
    assert PASSWORD not in page.content()
    expect(page.locator("#id_password")).to_have_value("")

    # django-otp makes the next try wait after a wrong code; as if that second had passed:
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_otp_token").fill(f"{totp.token():06d}")
    page.locator("input[type=submit]").click()
    expect(page.get_by_text("People and money")).to_be_visible()


def test_learner_gets_a_friendly_403_on_the_mentor_dashboard(page, snap):
    user = user_make(email="kiran@example.com", name="Kiran Rao", role="learner")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/learner/$"))

    response = page.goto("/dashboard/mentor/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This page isn't for your account")).to_be_visible()
    snap(page, "403")
    page.get_by_role("link", name="Go to your dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/learner/$"))


def test_signup_works_as_one_page_without_javascript(browser, server_url, emailed_code):
    context = browser.new_context(base_url=server_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/accounts/signup/?role=learner")
        expect(page.get_by_role("radio", name=re.compile("I want to learn"))).to_be_checked()
        # Every step is on the one page, and the stepper's buttons are not.
        expect(page.get_by_label("Email")).to_be_visible()
        expect(page.get_by_label("Interests")).to_be_visible()
        page.get_by_label("Email").fill("dev@gmial.com")
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.get_by_label("Name").fill("Dev Patel")
        page.get_by_label("Interests").fill("Pyth")
        page.get_by_role("button", name="Create account").last.click()

        # The server suggests, and keeps what was typed.
        expect(page.get_by_role("alert")).to_contain_text("check the suggestions")
        expect(page.get_by_text(re.compile(r"Did you mean .*gmail\.com\?"))).to_be_visible()
        expect(page.get_by_text(re.compile(r"Did you mean Python"))).to_be_visible()
        expect(page.get_by_label("Email")).to_have_value("dev@gmial.com")
        expect(page.locator("#id_suggestions_seen")).to_have_value("1")

        # Submitting again (password typed again) keeps the typed values.
        page.get_by_label("Email").fill("dev@gmail.com")
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Create account").last.click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        page.get_by_label("Code").fill(emailed_code("dev@gmail.com"))
        page.get_by_role("button", name="Confirm").click()
        expect(page).to_have_url(re.compile(r"/dashboard/learner/$"))
        expect(page.locator(".tag", has_text="Pyth")).to_be_visible()
    finally:
        context.close()
