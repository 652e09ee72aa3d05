"""Signing in and out through the real forms, shared by the browser journeys."""
import re

from playwright.sync_api import expect


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own home


def sign_out(page) -> None:
    page.locator('header form[action="/logout"] button').click()
    expect(page).to_have_url(re.compile(r"/login$"))
