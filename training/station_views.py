"""Station and county training pages: enrol a worker, a worker's training and wishes, township
demand, the subsidy ledger, course outcomes."""
from flask import Blueprint

bp = Blueprint("training_station", __name__)


@bp.get("/training/demand")
def demand():  # placeholder until the station pages land
    return "demand"
