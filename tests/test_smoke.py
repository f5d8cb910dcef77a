def test_declare_creates_public_page(api, public_client):
    response = api.call("post", "/incidents", {"title": "Web UI down", "severity": "S2"})
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    page = public_client.get(f"/incidents/{slug}/")
    assert page.status_code == 200
    assert b"Web UI down" in page.content
