"""Signing in and out through the real forms, shared by the browser journeys."""
import re

from playwright.sync_api import expect


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own home


def from_menu(page, selector: str):
    """A link or button of the site's menu: on a phone the menu first opens behind its button."""
    menu = page.locator(".menu-button button")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    return page.locator(f"header {selector}")


def sign_out(page) -> None:
    from_menu(page, 'form[action="/logout"] button').click()
    expect(page).to_have_url(re.compile(r"/login$"))
