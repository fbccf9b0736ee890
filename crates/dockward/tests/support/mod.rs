pub mod fake_engine;
