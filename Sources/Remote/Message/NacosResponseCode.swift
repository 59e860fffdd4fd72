/// The `resultCode` values of Java's `ResponseCode`.
public enum NacosResponseCode {
    /// The request succeeded.
    public static let success = 200
    /// The request failed; `errorCode` says why.
    public static let fail = 500
}
