namespace dermaplan::simulation {}
