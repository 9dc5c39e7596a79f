from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_openapi_document_lists_the_job_and_organisation_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert "get" in paths["/api/v1/jobs"]
    assert "get" in paths["/api/v1/jobs/{job_id}"]
    assert "get" in paths["/api/v1/organisations/{organisation_id}"]
    list_params = {p["name"] for p in paths["/api/v1/jobs"]["get"]["parameters"]}
    assert {
        "q",
        "city",
        "room_and_board",
        "couple_rooms",
        "flexible",
        "wage_min",
        "wage_unit",
        "page",
    } <= list_params
    wage = doc["components"]["schemas"]["WageOut"]["properties"]
    assert wage["min_fen"]["type"] == "integer"
    assert wage["max_fen"]["type"] == "integer"
