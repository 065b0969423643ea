import HealthCal
print(HealthCalVersion.current)
