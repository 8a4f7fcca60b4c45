fn main() {
    for line in std::io::stdin().lines().map_while(Result::ok) {
        println!("{:?} {:?} <= {line}", trialtables_normalize::cell::source_in(&line), trialtables_normalize::cell::origin_in(&line));
    }
}
