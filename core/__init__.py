"""Application core: factory, configuration, database, auth, area scoping, audit, errors, i18n."""
