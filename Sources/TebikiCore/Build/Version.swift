public enum TebikiVersion {
    public static let string = "0.1.0"
}
