"""The site's menu on a phone folds behind one button; on a wide screen every link shows."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.viewport(width=390, height=844)
def test_on_a_phone_the_menu_opens_behind_its_button(page, sign_in):
    sign_in()
    links, button = page.locator("#nav-links"), page.locator(".menu-button button")
    expect(links).to_be_hidden()
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 100  # one line: the name of the site and the button
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(links.locator('a[href="/households"]')).to_be_visible()
    button.click()
    expect(links).to_be_hidden()


def test_on_a_wide_screen_every_link_shows(page, sign_in):
    sign_in()
    expect(page.locator(".menu-button button")).to_be_hidden()
    expect(page.locator('#nav-links a[href="/households"]')).to_be_visible()
