"""The users of the load test (bench/load.py starts locust with this file): station staff on their
pages and asking for a person's recommendations, county officers on the overview, trainees on
their phones (the course finder, their own recommendations and courses), and employers answering
the people referred to them.

Credentials and the people to ask about come from the environment bench/load.py sets. The users
are FastHttpUser (geventhttpclient): the load generator shares the two cores with the server and
the database, and takes less of them than with `requests`."""
import os
import random
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ["LOAD_PASSWORD"]  # every account of the load test has it
STATION = (os.environ["LOAD_STATION_USER"], PASSWORD)
COUNTY = (os.environ["LOAD_COUNTY_USER"], PASSWORD)
WORKERS = [int(w) for w in os.environ["LOAD_WORKER_IDS"].split(",")]
TRAINEES = [(name, int(worker)) for name, worker in (t.split(":") for t in os.environ["LOAD_TRAINEES"].split(","))]
EMPLOYERS = [(name, int(job)) for name, job in (e.split(":") for e in os.environ["LOAD_EMPLOYERS"].split(","))]
PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 13) Mobile"}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def sign_in(user: FastHttpUser, username: str, password: str) -> None:
    page = user.client.get("/login", name="/login")
    match = CSRF.search(page.text)
    token = next(g for g in match.groups() if g) if match else ""
    user.client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                     name="/login (POST)", allow_redirects=False)


class StationStaff(FastHttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    def on_start(self):
        sign_in(self, *STATION)
        answer = self.client.post("/api/v1/auth/token", json={"username": STATION[0], "password": STATION[1]},
                                  name="/api/v1/auth/token")
        self.bearer = {"Authorization": f"Bearer {answer.json()['token']}"}

    @task(4)
    def recommendations(self):
        worker = random.choice(WORKERS)
        self.client.get(f"/api/v1/workers/{worker}/recommendations", headers=self.bearer,
                        name="/api/v1/workers/{id}/recommendations")

    @task(2)
    def home(self):
        self.client.get("/station", name="/station")

    @task(2)
    def workers(self):
        self.client.get("/workers", name="/workers")

    @task(1)
    def households(self):
        self.client.get("/households", name="/households")

    @task(1)
    def alerts(self):
        self.client.get("/alerts", name="/alerts")

    @task(1)
    def jobs(self):
        self.client.get("/jobs", name="/jobs")

    @task(1)
    def worker_page(self):
        self.client.get(f"/workers/{random.choice(WORKERS)}/recommendations", name="/workers/{id}/recommendations")


class CountyOfficer(FastHttpUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        sign_in(self, *COUNTY)

    @task(3)
    def overview(self):
        self.client.get("/county", name="/county")

    @task(1)
    def alerts(self):
        self.client.get("/alerts", name="/alerts")


class Trainee(FastHttpUser):
    weight = 2
    default_headers = PHONE
    wait_time = between(1.0, 3.0)

    def on_start(self):
        name, self.worker = random.choice(TRAINEES)
        sign_in(self, name, PASSWORD)

    @task(3)
    def course_finder(self):
        self.client.get("/courses", name="/courses")  # nearest first, from home

    @task(1)
    def night_courses(self):
        self.client.get("/courses?mode=night&seats=1", name="/courses?mode=…")

    @task(2)
    def my_recommendations(self):
        self.client.get(f"/workers/{self.worker}/recommendations", name="/workers/{id}/recommendations (own)")

    @task(1)
    def my_courses(self):
        self.client.get("/my/courses", name="/my/courses")


class Employer(FastHttpUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        name, self.job = random.choice(EMPLOYERS)
        sign_in(self, name, PASSWORD)

    @task(3)
    def home(self):
        self.client.get("/employer", name="/employer")  # postings, inbox, hires, departures

    @task(1)
    def candidates(self):
        self.client.get(f"/jobs/{self.job}/candidates", name="/jobs/{id}/candidates")
