"""A station records the hire of an employer without an account (a village workshop that never
signs in, issue 17); an employer that signs in answers for itself."""
from tests.conftest import VILLAGE


def test_the_station_records_hires_only_for_employers_without_an_account(
        api_as, make_user, make_employer, make_job, make_worker, refer):
    offline, online = make_employer(), make_employer()
    make_user("employer", employer_id=online)
    station = api_as("station", [VILLAGE])
    by_hand = refer(make_worker(), make_job(employer_id=offline))
    answered = refer(make_worker(birth="19900101"), make_job(employer_id=online))

    hired = station.patch(f"/api/v1/referrals/{by_hand}", json={"status": "hired"})
    assert hired.status_code == 200, hired.json
    assert hired.json["status"] == "hired"
    assert station.patch(f"/api/v1/referrals/{answered}", json={"status": "hired"}).status_code == 403
    outsider = api_as("station", ["640422100201"])
    assert outsider.patch(f"/api/v1/referrals/{by_hand}", json={"status": "left", "leave_reason": "wages"}).status_code \
        == 404  # not its villager: it cannot see the referral
