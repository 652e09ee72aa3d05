"""The WSGI entry point: `flask --app wsgi …`, `gunicorn wsgi:app`."""
import gc

from application import create_app

app = create_app()

# Everything made at start-up (the app, its blueprints and configuration) lives as long as the process:
# keep it out of the cyclic garbage collector's walks, which otherwise cost requests time.
gc.freeze()
