public enum HealthCalVersion { public static let current = "0.1.0" }
