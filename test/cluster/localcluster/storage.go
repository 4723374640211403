package localcluster

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const (
	// StorageClassName is the cluster's default StorageClass.
	StorageClassName = "standard"
	// volumeCount PersistentVolumes are created at start; each claim binds
	// one, and released volumes are not reused.
	volumeCount = 40
)

// createStorage gives the cluster a default StorageClass backed by a pool of
// pre-created PersistentVolumes, so charts with PersistentVolumeClaims (a
// StatefulSet's volumeClaimTemplates) install with their defaults: the real
// PV controller binds each claim to a free volume. No data is ever written:
// kwok runs no containers.
func createStorage(ctx context.Context, client kubernetes.Interface) error {
	immediate := storagev1.VolumeBindingImmediate
	retain := corev1.PersistentVolumeReclaimRetain
	sc := &storagev1.StorageClass{
		ObjectMeta: metav1.ObjectMeta{
			Name:        StorageClassName,
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
		},
		Provisioner:       "kubernetes.io/no-provisioner",
		VolumeBindingMode: &immediate,
		ReclaimPolicy:     &retain,
	}
	if _, err := client.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the default StorageClass: %w", err)
	}
	for i := 0; i < volumeCount; i++ {
		name := fmt.Sprintf("kpkg-pv-%02d", i)
		pv := &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: corev1.PersistentVolumeSpec{
				Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("100Gi")},
				AccessModes: []corev1.PersistentVolumeAccessMode{
					corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany,
				},
				PersistentVolumeReclaimPolicy: retain,
				StorageClassName:              StorageClassName,
				PersistentVolumeSource: corev1.PersistentVolumeSource{
					HostPath: &corev1.HostPathVolumeSource{Path: "/kpkg-fake-volumes/" + name},
				},
			},
		}
		if _, err := client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create PersistentVolume %s: %w", name, err)
		}
	}
	return nil
}
