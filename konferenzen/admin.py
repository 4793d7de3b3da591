"""Admin of the district conferences. (Being built.)"""
