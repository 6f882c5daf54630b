import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_admin_login_page_is_served_in_chinese(page):
    page.goto("/admin/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "登录" in page.content()
