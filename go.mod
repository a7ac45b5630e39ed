module github.com/ecs-bluegreen/ecs-bluegreen

go 1.26
